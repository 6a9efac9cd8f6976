using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>The vendor's orders and subscriptions: only those of its own offerings.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class BestellungenModel(OrderService orders, SubscriptionService subscriptions, OfferingDirectory offerings, MunicipalityNames municipalities) : PageModel
{
    private readonly Dictionary<string, OfferingInfo?> _offerings = [];
    public IReadOnlyList<OrderView> Orders { get; private set; } = [];
    public IReadOnlyDictionary<string, SubscriptionView> Subscriptions { get; private set; } = new Dictionary<string, SubscriptionView>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var vendor = TenantAccess.VendorOf(User) ?? "";
        Orders = await orders.ListForVendorAsync(vendor, 200, 0, ct);
        Subscriptions = (await subscriptions.ListForVendorAsync(vendor, ct)).ToDictionary(s => s.Id);
        Municipalities = await municipalities.NamesAsync(Orders.Select(o => o.MunicipalityAgs).Distinct(), ct);
        foreach (var id in Subscriptions.Values.Select(s => s.OfferingId).Distinct()) _offerings[id] = await offerings.GetAsync(id, ct);
    }

    public IReadOnlyDictionary<string, string> Municipalities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The municipality by name, its AGS beside it for the vendor's own records.</summary>
    public string MunicipalityOf(string ags) => Municipalities.TryGetValue(ags, out var name) ? $"{name} ({ags})" : ags;

    public string OfferingOf(SubscriptionView s) =>
        _offerings.GetValueOrDefault(s.OfferingId) is { } o ? Format.Name(o.Descriptor.Name, o.Descriptor.NameEn) : s.OfferingId;

    public string PlanOf(SubscriptionView s) =>
        _offerings.GetValueOrDefault(s.OfferingId)?.Descriptor.Plans.FirstOrDefault(p => p.Id == s.PlanId) is { } plan ? Format.Name(plan.Name, plan.NameEn) : s.PlanId;
}
