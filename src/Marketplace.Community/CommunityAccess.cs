using System.Security.Claims;
using Marketplace.Identity.Access;

namespace Marketplace.Community;

/// <summary>Who may rate offerings and voice feature requests for a municipality: the one check the endpoints and the pages share.</summary>
public sealed class CommunityAccess(TenantAccess access)
{
    /// <summary>The municipalities the principal may rate and request for (those it may order for).</summary>
    public Task<IReadOnlyList<string>> MunicipalitiesAsync(ClaimsPrincipal user, CancellationToken ct) =>
        access.MunicipalitiesAsync(user, MunicipalityPermission.Order, ct);

    /// <summary>
    /// Null when the principal may order for the municipality, which is what rating and requesting need; otherwise the
    /// refusal: another tenant's municipality is not found, a reader of its own (buyer-viewer, a delegate without the
    /// order right) is forbidden.
    /// </summary>
    public async Task<RefusalException?> RefusalAsync(ClaimsPrincipal user, string ags, CancellationToken ct)
    {
        var granted = await access.PermissionsForMunicipalityAsync(user, ags, ct);
        if (granted == MunicipalityPermission.None) return new NotFoundException("municipality", ags);
        return (granted & MunicipalityPermission.Order) == 0
            ? new ForbiddenException("Nur wer für die Kommune bestellen darf, kann bewerten und Wünsche äußern.") { Code = "community.order-permission" } : null;
    }
}
