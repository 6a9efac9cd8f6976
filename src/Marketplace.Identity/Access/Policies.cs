using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace Marketplace.Identity.Access;

/// <summary>
/// Authorisation policy names for endpoints and pages. A policy says who may call at all; whose data they reach is
/// decided per resource by <see cref="TenantAccess"/> (another tenant's resource answers 404).
/// </summary>
public static class Policies
{
    public const string Authenticated = "Authenticated";
    /// <summary>Any user or client of a municipality.</summary>
    public const string MunicipalityUser = "MunicipalityUser";
    public const string BuyerAdmin = "BuyerAdmin";
    /// <summary>Any user or client of a vendor.</summary>
    public const string VendorUser = "VendorUser";
    public const string VendorAdmin = "VendorAdmin";
    /// <summary>vendor-admin or vendor-editor: may change the vendor's offerings.</summary>
    public const string VendorEditor = "VendorEditor";
    public const string BundlerAdmin = "BundlerAdmin";
    /// <summary>Anyone who may act for a municipality: its own users or a bundler it delegated to (checked per AGS by TenantAccess).</summary>
    public const string ActsForMunicipality = "ActsForMunicipality";
    public const string Auditor = "Auditor";
    public const string PlatformAdmin = "PlatformAdmin";
    /// <summary>auditor or platform-admin: reads every tenant's data.</summary>
    public const string PlatformReader = "PlatformReader";
    /// <summary>The admin role of any organisation: manages its users, invitations and API clients.</summary>
    public const string OrganisationAdmin = "OrganisationAdmin";

    public static void Add(AuthorizationOptions o)
    {
        // Every policy: a bearer token reaches the API only with the "marketplace" scope (an openid-only token is for userinfo).
        o.DefaultPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).Build();
        o.AddPolicy(Authenticated, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance));
        o.AddPolicy(MunicipalityUser, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.OrganisationKind, OrganisationKinds.Municipality));
        o.AddPolicy(BuyerAdmin, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.BuyerAdmin));
        o.AddPolicy(VendorUser, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.OrganisationKind, OrganisationKinds.Vendor));
        o.AddPolicy(VendorAdmin, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.VendorAdmin));
        o.AddPolicy(VendorEditor, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.VendorAdmin, Roles.VendorEditor));
        o.AddPolicy(BundlerAdmin, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.BundlerAdmin));
        o.AddPolicy(ActsForMunicipality, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance)
            .RequireClaim(MarketplaceClaims.OrganisationKind, OrganisationKinds.Municipality, OrganisationKinds.Bundler));
        o.AddPolicy(Auditor, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.Auditor));
        o.AddPolicy(PlatformAdmin, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.PlatformAdmin));
        o.AddPolicy(PlatformReader, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.Auditor, Roles.PlatformAdmin));
        o.AddPolicy(OrganisationAdmin, p => p.RequireAuthenticatedUser().AddRequirements(ApiScopeRequirement.Instance).RequireClaim(MarketplaceClaims.Role, Roles.OrganisationAdmins));
    }
}

/// <summary>
/// A token principal (it carries OpenIddict's token id) must have been granted the API scope; a signed-in cookie
/// principal has no scopes and needs none.
/// </summary>
public sealed class ApiScopeRequirement : AuthorizationHandler<ApiScopeRequirement>, IAuthorizationRequirement
{
    public static readonly ApiScopeRequirement Instance = new();

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        var user = context.User;
        if (user.FindFirst(OpenIddictConstants.Claims.Private.TokenId) is null
            || user.HasScope(Clients.ApiClientStore.ApiScope))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
