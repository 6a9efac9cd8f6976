using System.Security.Claims;

namespace Marketplace.Identity.Access;

/// <summary>The claim types every marketplace principal carries, from a cookie or a bearer token alike.</summary>
public static class MarketplaceClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string Organisation = "org";
    public const string OrganisationKind = "org_kind";
    public const string Role = "role";
    /// <summary>Municipality users only: the AGS of their municipality.</summary>
    public const string Ags = "ags";
    /// <summary>Vendor users only: the catalogue vendor id (vendors.id) they act for.</summary>
    public const string Vendor = "vendor";

    public static string? SubjectOf(this ClaimsPrincipal user) => user.FindFirst(Subject)?.Value;
    public static string? OrganisationOf(this ClaimsPrincipal user) => user.FindFirst(Organisation)?.Value;
    public static string? OrganisationKindOf(this ClaimsPrincipal user) => user.FindFirst(OrganisationKind)?.Value;
    public static string? RoleOf(this ClaimsPrincipal user) => user.FindFirst(Role)?.Value;
    public static string? AgsOf(this ClaimsPrincipal user) => user.FindFirst(Ags)?.Value;
    public static string? VendorOf(this ClaimsPrincipal user) => user.FindFirst(Vendor)?.Value;
    public static bool HasRole(this ClaimsPrincipal user, params string[] roles) => user.FindAll(Role).Any(c => roles.Contains(c.Value));
}

/// <summary>The four kinds of organisation.</summary>
public static class OrganisationKinds
{
    public const string Municipality = "municipality";
    public const string Vendor = "vendor";
    public const string Bundler = "bundler";
    public const string Platform = "platform";

    public static readonly IReadOnlyList<string> All = [Municipality, Vendor, Bundler, Platform];
}

/// <summary>The roles, each valid in one kind of organisation.</summary>
public static class Roles
{
    public const string BuyerAdmin = "buyer-admin";
    public const string BuyerViewer = "buyer-viewer";
    public const string VendorAdmin = "vendor-admin";
    public const string VendorEditor = "vendor-editor";
    public const string BundlerAdmin = "bundler-admin";
    public const string Auditor = "auditor";
    public const string PlatformAdmin = "platform-admin";

    public static readonly IReadOnlyList<string> All = [BuyerAdmin, BuyerViewer, VendorAdmin, VendorEditor, BundlerAdmin, Auditor, PlatformAdmin];

    /// <summary>Roles that manage their organisation's users, invitations and API clients.</summary>
    public static readonly IReadOnlyList<string> OrganisationAdmins = [BuyerAdmin, VendorAdmin, BundlerAdmin, PlatformAdmin];

    public static IReadOnlyList<string> For(string organisationKind) => organisationKind switch
    {
        OrganisationKinds.Municipality => [BuyerAdmin, BuyerViewer],
        OrganisationKinds.Vendor => [VendorAdmin, VendorEditor],
        OrganisationKinds.Bundler => [BundlerAdmin],
        OrganisationKinds.Platform => [Auditor, PlatformAdmin],
        _ => [],
    };

    public static bool FitsOrganisation(string role, string organisationKind) => For(organisationKind).Contains(role);

    /// <summary>The refusal of a role that does not fit the organisation, naming the roles that do.</summary>
    public static FieldError NotInOrganisation(string field, string organisationKind) =>
        FieldError.Coded(field, "role.not-in-organisation", $"In dieser Organisation eine von: {string.Join(", ", For(organisationKind))}.",
            string.Join(", ", For(organisationKind)));
}
