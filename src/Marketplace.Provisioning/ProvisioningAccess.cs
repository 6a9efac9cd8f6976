using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Provisioning.Rollouts;

namespace Marketplace.Provisioning;

/// <summary>
/// Who may do what with ordering and provisioning: the one place the endpoints and the pages ask, so both refuse alike.
/// A refusal comes back as the domain's exception (404 when the object is not the caller's at all, 403 when it is but the
/// right is missing); the API answers it as a problem, a page as its own answer.
/// </summary>
public sealed class ProvisioningAccess(TenantAccess access, RolloutService rollouts, OrganisationStore organisations)
{
    /// <summary>Null when the principal holds <paramref name="needed"/> for the municipality; not found when it is not theirs at all, forbidden when the permission is missing.</summary>
    public async Task<RefusalException?> RefusalAsync(ClaimsPrincipal user, string ags, MunicipalityPermission needed, CancellationToken ct)
    {
        var granted = await access.PermissionsForMunicipalityAsync(user, ags, ct);
        if (granted == MunicipalityPermission.None) return new NotFoundException("not found") { Code = "not-found" };
        return (granted & needed) == needed ? null
            : new ForbiddenException($"fehlende Berechtigung: {needed & ~granted}") { Code = "permission.missing", Args = [(needed & ~granted).ToString()] };
    }

    /// <summary>Whether the principal may see the municipality's data at all (its members, delegates, auditors).</summary>
    public Task<bool> SeesMunicipalityAsync(ClaimsPrincipal user, string ags, CancellationToken ct) =>
        access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.View, ct);

    /// <summary>Only the municipality's own buyer-admin decides for it (data policy, exceptions, objections): another tenant gets 404, a delegate or reader 403.</summary>
    public async Task RequireOwnBuyerAdminAsync(ClaimsPrincipal user, string ags, CancellationToken ct, ForbiddenException? refusal = null)
    {
        if (await access.PermissionsForMunicipalityAsync(user, ags, ct) == MunicipalityPermission.None) throw new NotFoundException("municipality", ags);
        if (!OwnMunicipality(user, ags))
            throw refusal ?? new ForbiddenException("Nur die Einkaufsverantwortlichen der Kommune legen ihre Datenrichtlinie fest.") { Code = "data-policy.buyer-admins-only" };
    }

    /// <summary>The municipality's own buyer-admins (not its delegates): approval, the approval threshold, credentials.</summary>
    public static bool OwnMunicipality(ClaimsPrincipal user, string ags) =>
        user.OrganisationKindOf() == OrganisationKinds.Municipality && user.AgsOf() == ags && user.HasRole(Roles.BuyerAdmin);

    /// <summary>The vendor's users and clients, and the platform's readers.</summary>
    public static bool ReadsVendor(ClaimsPrincipal user, string vendorId) => TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user);

    /// <summary>A bundling organisation speaks for the Land it belongs to (its organisation's Land), and for no other.</summary>
    public async Task<bool> BundlerOfLandAsync(ClaimsPrincipal user, string landCode, CancellationToken ct) =>
        user.OrganisationKindOf() == OrganisationKinds.Bundler && user.HasRole(Roles.BundlerAdmin) && user.OrganisationOf() is { } org
        && (await organisations.GetAsync(org, ct))?.LandCode == landCode;

    /// <summary>Whether the rollout is the caller's organisation's; an unknown rollout is no one's.</summary>
    public async Task<bool> OwnsRolloutAsync(ClaimsPrincipal user, string rolloutId, CancellationToken ct)
    {
        try
        {
            return user.OrganisationOf() is { } org && await rollouts.OrganisationOfAsync(rolloutId, ct) == org;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <summary>The municipalities the principal holds <paramref name="needed"/> for: its own, or those that delegated it to its bundling organisation.</summary>
    public Task<IReadOnlyList<string>> MunicipalitiesAsync(ClaimsPrincipal user, MunicipalityPermission needed, CancellationToken ct) =>
        access.MunicipalitiesAsync(user, needed, ct);

    /// <summary>
    /// The municipalities of a rollout the caller may see (or retry) now: owning the rollout is not enough, each
    /// municipality's delegation is checked at the time of the action.
    /// </summary>
    public async Task<IReadOnlySet<string>> RolloutMunicipalitiesAsync(ClaimsPrincipal user, MunicipalityPermission needed, CancellationToken ct) =>
        (await MunicipalitiesAsync(user, needed, ct)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The municipalities a bundling organisation may roll out to: those that delegated ordering to it, all of them in
    /// a Land, or the listed ones (a listed municipality without such a delegation is an error at its AGS).
    /// </summary>
    public async Task<(IReadOnlyList<string> Targets, List<FieldError> Errors)> RolloutTargetsAsync(ClaimsPrincipal user, string? landCode,
        IReadOnlyList<string>? listed, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var delegated = await RolloutMunicipalitiesAsync(user, MunicipalityPermission.Order, ct);
        var list = listed?.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().ToList() ?? [];
        if (string.IsNullOrWhiteSpace(landCode) == (list.Count == 0))
        {
            errors.Add(FieldError.Coded("municipalityAgs", "rollout.ags-or-land", "entweder eine Liste von AGS oder ein Land angeben"));
            return ([], errors);
        }
        if (list.Count == 0)
        {
            // The first two digits of an AGS are its Land.
            var inLand = delegated.Where(a => a.StartsWith(landCode!, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (inLand.Count == 0) errors.Add(FieldError.Coded("landCode", "rollout.no-delegation-in-land", "keine Gemeinde dieses Landes hat Ihnen das Bestellen übertragen"));
            return (inLand, errors);
        }
        foreach (var ags in list.Where(a => !delegated.Contains(a)).Take(200))
            errors.Add(FieldError.Coded($"municipalityAgs/{ags}", "rollout.not-delegated", "diese Gemeinde hat Ihnen das Bestellen nicht übertragen"));
        return (list, errors);
    }
}
