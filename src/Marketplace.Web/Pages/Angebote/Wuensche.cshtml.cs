using Marketplace.Community;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Community.Api;
using Marketplace.Community.Requests;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>A municipality's feature requests for an offering: a new request, and supporting or withdrawing support for one.</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class WuenscheModel(CommunityAccess access, CatalogSearchService search, CatalogViews views, FeatureRequestService requests)
    : CommunityPage(access, search, views)
{
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Text { get; set; }

    public RequestForm Form => new(Offering.Id, Municipalities, Ags, Title, Text);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await RefuseFormAsync(id, ct) ?? Page();

    public Task<IActionResult> OnPostAsync(string id, CancellationToken ct) => WithOfferingAsync(id, () => ChangeAsync(async ags =>
    {
        await requests.SubmitAsync(Actor.Of(User), ags, id, Title, Text, ct);
        return BackTo(id);
    }, Page, ct));

    public Task<IActionResult> OnPostSupportAsync(string id, string requestId, CancellationToken ct) => WithOfferingAsync(id, () => ChangeAsync(async ags =>
    {
        await requests.SupportAsync(Actor.Of(User), ags, OwnRequest(await requests.GetAsync(requestId, ct), id), ct);
        return BackTo(id);
    }, Page, ct));

    public Task<IActionResult> OnPostWithdrawAsync(string id, string requestId, CancellationToken ct) => WithOfferingAsync(id, () => ChangeAsync(async ags =>
    {
        await requests.WithdrawSupportAsync(Actor.Of(User), ags, OwnRequest(await requests.GetAsync(requestId, ct), id), ct);
        return BackTo(id);
    }, Page, ct));

    private async Task<IActionResult> WithOfferingAsync(string id, Func<Task<IActionResult>> then) => MissingOffering(id) ?? await then();

    /// <summary>The request must belong to the offering of the page, or the page would act on something it does not show.</summary>
    private static string OwnRequest(FeatureRequest request, string offeringId) =>
        request.OfferingId == offeringId ? request.Id : throw new NotFoundException("feature request", request.Id);

    private RedirectResult BackTo(string id) => Redirect($"/angebote/{Uri.EscapeDataString(id)}#wuensche");
}
