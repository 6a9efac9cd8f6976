using Marketplace.Billing.Invoices;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>The municipality's issued invoices, newest first.</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class RechnungenModel(TenantAccess access, InvoiceService invoices) : MunicipalityBillingPage(access)
{
    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        Invoices = await invoices.ListIssuedForMunicipalityAsync(Ags!, 200, 0, ct);
        return Page();
    }
}
