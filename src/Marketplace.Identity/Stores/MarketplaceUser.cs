using Microsoft.AspNetCore.Identity;

namespace Marketplace.Identity.Stores;

/// <summary>A person who signs in: credentials and second factor in Identity's store, plus the one organisation they belong to.</summary>
public sealed class MarketplaceUser : IdentityUser
{
    /// <summary>The organisation (organisations.id) the user acts for; every user belongs to exactly one.</summary>
    public string OrganisationId { get; set; } = "";

    public string DisplayName { get; set; } = "";
}
