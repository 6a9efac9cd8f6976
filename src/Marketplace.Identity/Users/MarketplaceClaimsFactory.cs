using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Users;

/// <summary>
/// Builds a user's principal with the marketplace claims (sub, name, email, org, org_kind, role, ags, vendor), the same
/// for the UI cookie and for tokens issued by the OpenID Connect server.
/// </summary>
public sealed class MarketplaceClaimsFactory(
    UserManager<MarketplaceUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, OrganisationStore organisations)
    : UserClaimsPrincipalFactory<MarketplaceUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(MarketplaceUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        // Identity puts the user name (the e-mail address) in "name"; people are shown by their display name.
        foreach (var claim in identity.FindAll(MarketplaceClaims.Name).ToList()) identity.RemoveClaim(claim);
        identity.AddClaim(new Claim(MarketplaceClaims.Name, user.DisplayName.Length > 0 ? user.DisplayName : user.UserName ?? user.Id));
        if (identity.FindFirst(MarketplaceClaims.Email) is null && user.Email is not null)
            identity.AddClaim(new Claim(MarketplaceClaims.Email, user.Email));
        if (await organisations.GetAsync(user.OrganisationId) is { } org)
            AddOrganisationClaims(identity, org);
        return identity;
    }

    /// <summary>org, org_kind and, by kind, ags or vendor.</summary>
    public static void AddOrganisationClaims(ClaimsIdentity identity, Organisation org)
    {
        identity.AddClaim(new Claim(MarketplaceClaims.Organisation, org.Id));
        identity.AddClaim(new Claim(MarketplaceClaims.OrganisationKind, org.Kind));
        if (org.MunicipalityAgs is { } ags) identity.AddClaim(new Claim(MarketplaceClaims.Ags, ags));
        if (org.VendorId is { } vendor) identity.AddClaim(new Claim(MarketplaceClaims.Vendor, vendor));
    }
}
