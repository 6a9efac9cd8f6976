using Marketplace.Community.Recommendations;
using Marketplace.Identity.Access;
using Marketplace.Provisioning.Orders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Bestellung;

/// <summary>One order: the confirmation after ordering, and for an order above the threshold the second buyer-admin's approval or rejection.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class BestellungModel(TenantAccess access, OrderService orders, RecommendationService recommendations) : MunicipalityPage(access)
{
    public OrderView Order { get; private set; } = null!;
    /// <summary>"Andere Kommunen bestellten auch" for the offerings of this order.</summary>
    public IReadOnlyList<Recommendation> Recommendations { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public bool Neu { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public bool MayDecide => Order.State == OrderStates.AwaitingApproval && OwnBuyerAdmin(User, Ags) && Order.OrderedBy != User.SubjectOf();

    public async Task<IActionResult> OnGetAsync(string orderId, CancellationToken ct) =>
        await RefusedAsync(MunicipalityPermission.View, ct) ?? await ShowAsync(orderId, ct);

    public Task<IActionResult> OnPostApproveAsync(string orderId, CancellationToken ct) => ChangeAsync(MunicipalityPermission.Order, async () =>
    {
        if (!OwnBuyerAdmin(User, Ags)) return Forbid();
        await orders.ApproveAsync(Ags, User.SubjectOf()!, orderId, ct);
        return RedirectToPage(new { ags = Ags, orderId });
    }, () => ShowAsync(orderId, ct), ct);

    public Task<IActionResult> OnPostRejectAsync(string orderId, CancellationToken ct) => ChangeAsync(MunicipalityPermission.Order, async () =>
    {
        if (!OwnBuyerAdmin(User, Ags)) return Forbid();
        await orders.RejectAsync(Ags, User.SubjectOf()!, orderId, Reason ?? "", ct);
        return RedirectToPage(new { ags = Ags, orderId });
    }, () => ShowAsync(orderId, ct), ct);

    private async Task<IActionResult> ShowAsync(string orderId, CancellationToken ct)
    {
        try
        {
            Order = await orders.GetAsync(Ags, orderId, ct);
        }
        catch (Provisioning.NotFoundException)
        {
            return NotFound();
        }
        Recommendations = await recommendations.ForOrderAsync(orderId, 5, ct);
        return Page();
    }
}
