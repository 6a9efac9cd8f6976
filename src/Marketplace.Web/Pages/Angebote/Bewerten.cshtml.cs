using Marketplace.Community;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Community.Api;
using Marketplace.Community.Ratings;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>Rating an offering for a municipality that has or had it: the form again with its errors when something is wrong.</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class BewertenModel(CommunityAccess access, CatalogSearchService search, CatalogViews views, RatingService ratings)
    : CommunityPage(access, search, views)
{
    [BindProperty] public int? Stars { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public RatingForm Form => new(Offering.Id, Municipalities, Ags, Stars, Comment);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await RefuseFormAsync(id, ct) is { } refused) return refused;
        if (await ratings.FindAsync(id, Ags!, ct) is { } own)
        {
            Stars = own.Stars;
            Comment = own.Comment;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        if (MissingOffering(id) is { } missing) return missing;
        return await ChangeAsync(async ags =>
        {
            if (Stars is not { } stars) throw RequestValidationException.Coded("stars", "rating.choose-stars", "Wählen Sie 1 bis 5 Sterne.");
            await ratings.RateAsync(Actor.Of(User), ags, id, stars, Comment, ct);
            return Redirect($"/angebote/{Uri.EscapeDataString(id)}#bewertungen");
        }, Page, ct);
    }
}
