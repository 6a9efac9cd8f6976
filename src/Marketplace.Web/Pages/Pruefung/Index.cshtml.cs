using Marketplace.Catalog.Availability;
using Marketplace.Community.Availability;
using Marketplace.Conformance.Review;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Pruefung;

/// <summary>The auditors' review queue: submitted versions and evidence, the longest waiting first.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class IndexModel(AuditorReview review, AvailabilityFigures availability, IAvailabilityPolicy policy, IOptions<AvailabilityOptions> options) : PageModel
{
    public IReadOnlyList<ReviewItem> Queue { get; private set; } = [];

    /// <summary>The newest months an offering missed its promised availability.</summary>
    public IReadOnlyList<SlaBreach> Breaches { get; private set; } = [];

    /// <summary>What the published conformance policy says of such a month (the configuration may override it).</summary>
    public AvailabilityPolicy Policy { get; private set; } = AvailabilityPolicy.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Queue = await review.QueueAsync();
        Breaches = await availability.RecentBreachesAsync(50, ct);
        Policy = await options.Value.EffectivePolicyAsync(policy, ct);
    }

    public static string TrailUrl(SlaBreach b) =>
        "/pruefung/protokoll" + QueryString.Create(new KeyValuePair<string, string?>[]
        {
            new("action", SlaBreachEvaluation.Action), new("objectType", "offering"), new("objectId", b.OfferingId),
        });
}
