using Marketplace.Billing.Accounts;
using Marketplace.Billing.Invoices;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>The municipality's issued invoices and credit notes, newest first, and the checklist of its billing account (edited on its own page).</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class RechnungenModel(TenantAccess access, InvoiceService invoices, CreditNoteService creditNotes, BillingAccountService accounts)
    : MunicipalityBillingPage(access)
{
    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];
    public IReadOnlyList<CreditNote> CreditNotes { get; private set; } = [];
    public BillingAccount? Account { get; private set; }
    public BillingReadiness Readiness { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Invoices = await invoices.ListIssuedForMunicipalityAsync(Ags!, 200, 0, ct);
        CreditNotes = await creditNotes.ListForMunicipalityAsync(Ags!, 200, 0, ct);
        Account = await accounts.GetAsync(Ags!, ct);
        Readiness = await accounts.ReadinessAsync(Ags!, ct);
    }
}
