using Marketplace.Billing.Funding;
using Marketplace.Billing.Overview;
using Marketplace.Billing.Pricing;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>The funding report for auditors and platform admins: list value of the standard packages per funder, month, Land and offering.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class FoerderberichtModel(FundingReportService funding, BillingOverviewService overview, IStringLocalizer<SharedResource> texts) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public IReadOnlyList<FundingRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var to = overview.CurrentMonth;
        if (To is not null && !BillingMonth.TryParse(To, out to)) ModelState.AddModelError(nameof(To), texts["Billing.Funding.MonthInvalid"]);
        var from = to;
        if (From is not null && !BillingMonth.TryParse(From, out from)) ModelState.AddModelError(nameof(From), texts["Billing.Funding.MonthInvalid"]);
        if (!ModelState.IsValid) return;
        if (to < from) { ModelState.AddModelError(nameof(To), texts["Billing.Funding.ToBeforeFrom"]); return; }
        (From, To) = (from.Period, to.Period);
        Rows = await funding.GetAsync(from, to, ct);
    }
}
