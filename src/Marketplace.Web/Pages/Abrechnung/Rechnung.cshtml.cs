using Marketplace.Billing.Api;
using Marketplace.Billing.Invoices;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>One issued invoice with its lines, VAT per category and rate, its credit notes and the XRechnung download.</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class RechnungModel(TenantAccess access, InvoiceService invoices, CreditNoteService creditNotes) : MunicipalityBillingPage(access)
{
    public InvoiceDocument Document { get; private set; } = null!;
    public IReadOnlyList<CreditNote> CreditNotes { get; private set; } = [];
    public InvoiceLineNames Names { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!await ResolveAsync(ct) || await invoices.IssuedForMunicipalityAsync(Ags!, id, ct) is not { } document) return NotFound();
        Document = document;
        CreditNotes = await creditNotes.ListForInvoiceAsync(id, ct);
        Names = await invoices.NamesAsync(document.Lines, ct);
        return Page();
    }
}
