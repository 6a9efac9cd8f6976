using System.Security.Claims;

namespace Marketplace.Kernel;

/// <summary>Who performs a change, as the audit trail records it: the user (or API client) and the organisation it acts for.</summary>
public sealed record Actor(string UserId, string? OrganisationId)
{
    /// <summary>The claim carrying the user's id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The claim carrying the id of the organisation the user acts for.</summary>
    public const string OrganisationClaim = "org";

    /// <summary>The platform itself (seeding, migrations).</summary>
    public static Actor System { get; } = new("system", null);

    /// <summary>A background job of the platform ("system:billing-scheduler").</summary>
    public static Actor Named(string job) => new($"system:{job}", null);

    /// <summary>The signed-in user of a request, from a cookie or a bearer token alike.</summary>
    public static Actor Of(ClaimsPrincipal user) =>
        new(user.FindFirst(SubjectClaim)?.Value ?? "anonymous", user.FindFirst(OrganisationClaim)?.Value);
}
