using System.Security.Claims;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Identity.Access;

/// <summary>What a principal may do for a municipality. Combine with |; <see cref="None"/> means the municipality is not theirs (answer 404).</summary>
[Flags]
public enum MunicipalityPermission
{
    None = 0,
    /// <summary>See the municipality's subscriptions, configuration and organisation data.</summary>
    View = 1,
    Order = 2,
    Configure = 4,
    ViewInvoices = 8,
    All = View | Order | Configure | ViewInvoices,
}

/// <summary>
/// Resource-level tenant checks the other modules use: may this principal act for municipality AGS X with permission P
/// (its own user, or a bundler with an active delegation, read live so revocation takes effect at once), which vendor
/// does it act for, and may it read everything (auditor, platform admin).
/// </summary>
public sealed class TenantAccess(Database database)
{
    /// <summary>Everything the principal may do for the municipality with this AGS; None when it is not theirs.</summary>
    public async Task<MunicipalityPermission> PermissionsForMunicipalityAsync(ClaimsPrincipal user, string ags, CancellationToken ct = default)
    {
        if (user.Identity?.IsAuthenticated != true) return MunicipalityPermission.None;
        switch (user.OrganisationKindOf())
        {
            case OrganisationKinds.Municipality when user.AgsOf() == ags:
                if (user.HasRole(Roles.BuyerAdmin)) return MunicipalityPermission.All;
                if (user.HasRole(Roles.BuyerViewer)) return MunicipalityPermission.View | MunicipalityPermission.ViewInvoices;
                return MunicipalityPermission.None;
            case OrganisationKinds.Bundler when user.HasRole(Roles.BundlerAdmin) && user.OrganisationOf() is { } org:
                return await DelegatedPermissionsAsync(org, ags, ct);
            case OrganisationKinds.Platform when user.HasRole(Roles.Auditor, Roles.PlatformAdmin):
                return MunicipalityPermission.View | MunicipalityPermission.ViewInvoices;
            default:
                return MunicipalityPermission.None;
        }
    }

    /// <summary>What the municipality's active delegation lets the bundling organisation do, read live; None without one.</summary>
    public async Task<MunicipalityPermission> DelegatedPermissionsAsync(string bundlerOrganisationId, string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var d = await c.QuerySingleOrDefaultAsync<DelegationFlags>(
            new CommandDefinition(IdentitySql.ActiveDelegationFlags, new { bundler = bundlerOrganisationId, ags }, cancellationToken: ct));
        if (d is null) return MunicipalityPermission.None;
        return MunicipalityPermission.View
               | (d.CanOrder ? MunicipalityPermission.Order : 0)
               | (d.CanConfigure ? MunicipalityPermission.Configure : 0)
               | (d.CanViewInvoices ? MunicipalityPermission.ViewInvoices : 0);
    }

    /// <summary>True when the principal holds every permission in <paramref name="permission"/> for the municipality.</summary>
    public async Task<bool> CanActForMunicipalityAsync(ClaimsPrincipal user, string ags, MunicipalityPermission permission, CancellationToken ct = default)
    {
        var granted = await PermissionsForMunicipalityAsync(user, ags, ct);
        return granted != MunicipalityPermission.None && (granted & permission) == permission;
    }

    /// <summary>The AGS of every municipality the principal may act for with <paramref name="permission"/> (own, or delegated).</summary>
    public async Task<IReadOnlyList<string>> MunicipalitiesAsync(ClaimsPrincipal user, MunicipalityPermission permission, CancellationToken ct = default)
    {
        if (user.OrganisationKindOf() == OrganisationKinds.Municipality && user.AgsOf() is { } ags)
            return await CanActForMunicipalityAsync(user, ags, permission, ct) ? [ags] : [];
        if (user.OrganisationKindOf() != OrganisationKinds.Bundler || !user.HasRole(Roles.BundlerAdmin) || user.OrganisationOf() is not { } org) return [];
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<DelegationFlags>(new CommandDefinition(IdentitySql.ActiveDelegationsOfBundler, new { bundler = org }, cancellationToken: ct));
        return rows.Where(d => (permission & MunicipalityPermission.Order) == 0 || d.CanOrder)
            .Where(d => (permission & MunicipalityPermission.Configure) == 0 || d.CanConfigure)
            .Where(d => (permission & MunicipalityPermission.ViewInvoices) == 0 || d.CanViewInvoices)
            .Select(d => d.MunicipalityAgs).ToList();
    }

    /// <summary>The catalogue vendor id the principal acts for, or null when it is no vendor's user or client.</summary>
    public static string? VendorOf(ClaimsPrincipal user) =>
        user.OrganisationKindOf() == OrganisationKinds.Vendor ? user.VendorOf() : null;

    /// <summary>True when the principal is a user or client of this vendor (any vendor role).</summary>
    public static bool ActsForVendor(ClaimsPrincipal user, string vendorId) => VendorOf(user) == vendorId;

    /// <summary>True when the principal may change this vendor's offerings (vendor-admin or vendor-editor of that vendor).</summary>
    public static bool EditsForVendor(ClaimsPrincipal user, string vendorId) =>
        ActsForVendor(user, vendorId) && user.HasRole(Roles.VendorAdmin, Roles.VendorEditor);

    /// <summary>Auditors and platform admins read every tenant's data.</summary>
    public static bool ReadsAll(ClaimsPrincipal user) =>
        user.OrganisationKindOf() == OrganisationKinds.Platform && user.HasRole(Roles.Auditor, Roles.PlatformAdmin);

    /// <summary>True when the principal belongs to the organisation (any role).</summary>
    public static bool BelongsTo(ClaimsPrincipal user, string organisationId) => user.OrganisationOf() == organisationId;

    /// <summary>True when the principal administers the organisation (its admin role), or is a platform admin.</summary>
    public static bool AdministersOrganisation(ClaimsPrincipal user, string organisationId) =>
        (BelongsTo(user, organisationId) && user.HasRole(Roles.OrganisationAdmins.ToArray())) || user.HasRole(Roles.PlatformAdmin);

    // Property-mapped, not positional: SQLite hands booleans back as integers, which Dapper converts only for properties.
    internal sealed record DelegationFlags
    {
        public string MunicipalityAgs { get; init; } = "";
        public bool CanOrder { get; init; }
        public bool CanConfigure { get; init; }
        public bool CanViewInvoices { get; init; }
    }
}
