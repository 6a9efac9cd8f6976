namespace Marketplace.Community;

/// <summary>What a refusal of the community module means for the caller.</summary>
public enum CommunityErrorKind
{
    NotFound,
    Forbidden,
    Invalid,
}

/// <summary>A refusal: not found (also another tenant's resource), not allowed, or invalid input naming its field.</summary>
public sealed class CommunityException(CommunityErrorKind kind, string message, string? field = null) : Exception(message)
{
    public CommunityErrorKind Kind { get; } = kind;
    public string? Field { get; } = field;

    public static CommunityException NotFound(string message) => new(CommunityErrorKind.NotFound, message);
    public static CommunityException Forbidden(string message) => new(CommunityErrorKind.Forbidden, message);
    public static CommunityException Invalid(string field, string message) => new(CommunityErrorKind.Invalid, message, field);
}

/// <summary>Who acts: the user (or API client) and the organisation it belongs to, as the audit trail records them.</summary>
public sealed record Actor(string UserId, string? OrganisationId);
