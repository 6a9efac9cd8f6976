using Marketplace.Conformance.Review;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Pruefung;

/// <summary>The auditors' review queue: submitted versions and evidence, the longest waiting first.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class IndexModel(AuditorReview review) : PageModel
{
    public IReadOnlyList<ReviewItem> Queue { get; private set; } = [];

    public async Task OnGetAsync() => Queue = await review.QueueAsync();
}
