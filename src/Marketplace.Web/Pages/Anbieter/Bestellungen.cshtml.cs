using Marketplace.Identity.Access;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieter;

/// <summary>The vendor's orders and subscriptions: only those of its own offerings.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class BestellungenModel(OrderService orders, SubscriptionService subscriptions) : PageModel
{
    public IReadOnlyList<OrderView> Orders { get; private set; } = [];
    public IReadOnlyDictionary<string, SubscriptionView> Subscriptions { get; private set; } = new Dictionary<string, SubscriptionView>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var vendor = TenantAccess.VendorOf(User) ?? "";
        Orders = await orders.ListForVendorAsync(vendor, 200, 0, ct);
        Subscriptions = (await subscriptions.ListForVendorAsync(vendor, ct)).ToDictionary(s => s.Id);
    }
}
