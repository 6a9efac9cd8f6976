using Marketplace.Billing;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Api;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Stripe;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>Billing runs with their totals for the platform; its admins start a run for a month and finalize its drafts.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class LaeufeModel(BillingRunService runs, PeriodFinalization finalization, IStringLocalizer<SharedResource> texts) : PageModel
{
    [BindProperty] public string? Period { get; set; }

    public IReadOnlyList<BillingRun> Runs { get; private set; } = [];
    public bool IsAdmin => User.HasRole(Roles.PlatformAdmin);
    public string? Notice { get; private set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Runs = await runs.ListAsync(100, 0, ct);

    public async Task<IActionResult> OnPostStartAsync(CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (!BillingMonth.TryParse(Period, out var month))
            ModelState.AddModelError(nameof(Period), texts["Billing.Runs.PeriodInvalid"]);
        else
        {
            try
            {
                var result = await runs.RunAsync(month, Actor.Of(User), ct);
                Notice = texts.Count("Billing.Runs.StartedCount", result.Run.InvoiceCount, Format.Month(month.Period))
                         + (result.InvoicesAlreadyPresent > 0 ? " " + texts.Count("Billing.Runs.AlreadyThere", result.InvoicesAlreadyPresent) : "");
                Problems = result.Problems;
            }
            catch (RequestValidationException e)
            {
                ModelState.AddModelError(nameof(Period), e.Field == "period" ? texts["Billing.Runs.NotEnded", Format.Month(month.Period)] : texts.Word(e.Errors[0]));
            }
        }
        await OnGetAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFinalizeAsync(string period, CancellationToken ct)
    {
        if (!IsAdmin) return Forbid();
        if (!BillingMonth.TryParse(period, out var month)) return NotFound();
        var result = await finalization.FinalizeAsync(month, Actor.Of(User), ct);
        Notice = texts.Count("Billing.Runs.FinalizedCount", result.Finalized.Count, Format.Month(month.Period));
        // A draft of an incomplete billing account is named with what its account lacks, in the page's language, as are
        // the other reasons (an e-invoice the rules refuse, with the rules' own words).
        Problems =
        [
            .. result.Incomplete.Select(i => texts["Billing.Runs.Incomplete", i.InvoiceNumber, i.MunicipalityName,
                string.Join(", ", i.Open.Select(item => texts["BillingAccount.Missing." + item].Value))].Value),
            .. result.Problems.Where(p => p is not BillingAccountIncompleteException).Select(p => texts.Word(p)),
        ];
        await OnGetAsync(ct);
        return Page();
    }
}
