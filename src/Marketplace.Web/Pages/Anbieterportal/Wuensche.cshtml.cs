using Marketplace.Catalog.Search;
using Marketplace.Community;
using Marketplace.Community.Api;
using Marketplace.Community.Requests;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>The municipalities' feature requests for the vendor's offerings; its admins and editors answer and set the status.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class WuenscheModel(FeatureRequestService requests, CatalogSearchService search) : PageModel
{
    public IReadOnlyList<FeatureRequest> Requests { get; private set; } = [];
    public bool CanAnswer { get; private set; }
    /// <summary>The request whose answer failed validation: its form shows the entered values and the error.</summary>
    public string? FailedRequestId { get; private set; }
    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? Answer { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(string requestId, CancellationToken ct)
    {
        var vendorId = TenantAccess.VendorOf(User)!;
        if (!TenantAccess.EditsForVendor(User, vendorId)) return Forbid();
        try
        {
            await requests.AnswerAsync(Actor.Of(User), vendorId, requestId, Status, Answer, ct);
            return Redirect($"/anbieterportal/wuensche#request-{Uri.EscapeDataString(requestId)}");
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (RequestValidationException e)
        {
            Angebote.CommunityPage.AddError(ModelState, e, CodedProblems.Texts(HttpContext));
            FailedRequestId = requestId;
        }
        await LoadAsync(ct);
        return Page();
    }

    public string OfferingName(string offeringId) =>
        search.Current.Catalog.Offering(offeringId) is { } o ? Format.Name(o.Descriptor.Name, o.Descriptor.NameEn) : offeringId;

    private async Task LoadAsync(CancellationToken ct)
    {
        var vendorId = TenantAccess.VendorOf(User)!;
        CanAnswer = TenantAccess.EditsForVendor(User, vendorId);
        Requests = await requests.ForVendorAsync(vendorId, 500, ct);
    }
}
