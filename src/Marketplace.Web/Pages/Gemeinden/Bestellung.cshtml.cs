using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Descriptors;
using Marketplace.Community.Recommendations;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// One order: the confirmation after ordering with the offerings by name and the cost summary (the figures of the order
/// form and of the quote API, as billing will charge them), and for an order above the threshold the second
/// buyer-admin's approval or rejection.
/// </summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class BestellungModel(TenantAccess access, OrderService orders, RecommendationService recommendations, OrderCosts costs,
    OfferingDirectory offerings) : MunicipalityPage(access)
{
    /// <summary>A subscription of the order with its offering's and plan's names (null when the catalogue no longer has them) and its quote.</summary>
    public sealed record Line(SubscriptionView Subscription, string Name, PlanDescriptor? Plan, OrderQuote? Quote);

    public OrderView Order { get; private set; } = null!;
    public IReadOnlyList<Line> Lines { get; private set; } = [];
    public CombinedQuote? Quote { get; private set; }
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
        catch (NotFoundException)
        {
            return NotFound();
        }
        var (subscriptions, quote) = await costs.QuoteAsync(Order, ct);
        Quote = quote;
        var lines = new List<Line>();
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var s = subscriptions[i];
            var offering = await offerings.GetAsync(s.OfferingId, ct);
            lines.Add(new Line(s, offering is null ? s.OfferingId : Format.Name(offering.Descriptor.Name, offering.Descriptor.NameEn),
                offering?.Plan(quote?.Items[i].PlanId ?? s.PlanId), quote?.Items[i]));
        }
        Lines = lines;
        Recommendations = await recommendations.ForOrderAsync(orderId, 5, ct);
        return Page();
    }
}
