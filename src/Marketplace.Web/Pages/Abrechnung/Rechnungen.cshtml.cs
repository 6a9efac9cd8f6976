using Marketplace.Billing;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Api;
using Marketplace.Billing.Invoices;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>The municipality's issued invoices and credit notes, newest first, and how it receives them (its buyer-admins choose the channel).</summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class RechnungenModel(TenantAccess access, InvoiceService invoices, CreditNoteService creditNotes, BillingAccountService accounts)
    : MunicipalityBillingPage(access)
{
    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];
    public IReadOnlyList<CreditNote> CreditNotes { get; private set; } = [];
    public BillingAccount? Account { get; private set; }
    public bool Saved { get; private set; }

    [BindProperty] public string? PaymentChannel { get; set; }
    [BindProperty] public string? Email { get; set; }

    /// <summary>How the municipality pays is its own buyer-admins' decision, not a delegate's (as in the API).</summary>
    public bool ChoosesChannel =>
        User.OrganisationKindOf() == OrganisationKinds.Municipality && User.AgsOf() == Ags && User.HasRole(Roles.BuyerAdmin);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        await LoadAsync(ct);
        PaymentChannel ??= Account?.PaymentChannel;
        Email ??= Account?.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostChannelAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        if (!ChoosesChannel) return Forbid();
        try
        {
            await accounts.SaveAsync(new BillingAccountSettings(Ags!, PaymentChannel ?? "", Email ?? ""), BillingApi.ActorOf(User), ct);
            Saved = true;
        }
        catch (BillingValidationException e)
        {
            ModelState.AddModelError(e.Field == "email" ? nameof(Email) : nameof(PaymentChannel), e.Message);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Invoices = await invoices.ListIssuedForMunicipalityAsync(Ags!, 200, 0, ct);
        CreditNotes = await creditNotes.ListForMunicipalityAsync(Ags!, 200, 0, ct);
        Account = await accounts.GetAsync(Ags!, ct);
    }
}
