using Marketplace.Billing.Overview;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>The vendor's view: usage received this month per offering and dimension, and revenue per offering over twelve months.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class UmsatzModel(BillingOverviewService overview) : PageModel
{
    public BillingMonth Month { get; private set; }
    public IReadOnlyList<VendorUsage> Usage { get; private set; } = [];
    public IReadOnlyList<VendorRevenue> Revenue { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (TenantAccess.VendorOf(User) is not { } vendorId) return NotFound();
        Month = overview.CurrentMonth;
        Usage = await overview.VendorUsageAsync(vendorId, Month, ct);
        Revenue = await overview.VendorRevenueAsync(vendorId, BillingMonth.Of(Month.FirstDay.AddMonths(-11)), Month, ct);
        return Page();
    }
}
