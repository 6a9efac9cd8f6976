using Marketplace.Billing;
using Marketplace.Billing.Overview;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>Usage so far this month against the included quantities (chart and table), and the extras forecast.</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class VerbrauchModel(TenantAccess access, BillingOverviewService overview, IStringLocalizer<SharedResource> texts) : MunicipalityBillingPage(access)
{
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    public MunicipalityUsage Usage { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        var month = overview.CurrentMonth;
        if (Period is not null && !BillingMonth.TryParse(Period, out month))
        {
            ModelState.AddModelError(nameof(Period), texts["Billing.Usage.PeriodInvalid"]);
            month = overview.CurrentMonth;
        }
        Period = month.Period;
        Usage = await overview.MunicipalityUsageAsync(Ags!, month, ct);
        return Page();
    }

    /// <summary>One bar of the chart in SVG user units (0–<see cref="Width"/>): used, projected and the included mark.</summary>
    public sealed record Bar(UsageMeter Meter, double Used, double Projected, double Included);

    public const double Width = 600;

    /// <summary>Bars on one scale per meter: the largest of included, used and projected fills 90 % of the width.</summary>
    public IEnumerable<Bar> Bars() => Usage.Meters.Select(m =>
    {
        var scale = Math.Max(1, Math.Max(m.Included, Math.Max(m.Used, m.Projected))) / (Width * 0.9);
        return new Bar(m, m.Used / scale, m.Projected / scale, m.Included / scale);
    });
}
