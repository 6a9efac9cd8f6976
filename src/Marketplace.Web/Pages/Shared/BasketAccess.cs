using System.Security.Claims;
using Marketplace.Identity.Access;

namespace Marketplace.Web.Pages.Shared;

/// <summary>Who keeps a Merkliste: a municipality's buyer-admin, for that municipality.</summary>
public static class BasketAccess
{
    /// <summary>The AGS whose Merkliste the user keeps, or null when the user keeps none.</summary>
    public static string? AgsOf(ClaimsPrincipal user) =>
        user.OrganisationKindOf() == OrganisationKinds.Municipality && MarketplaceClaims.HasRole(user, Roles.BuyerAdmin) ? user.AgsOf() : null;

    /// <summary>The id of the form that adds an offering, which <c>_AddToBasketForm</c> renders and the button names.</summary>
    public static string FormId(string offeringId) => "basket-add-" + offeringId;
}
