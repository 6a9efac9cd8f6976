using Marketplace.Billing;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Api;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Abrechnung;

/// <summary>
/// The municipality's billing account in one place: the checklist of what invoices still need, the invoice address with the
/// Leitweg-ID (kept with the organisation) and the payment channel with the invoice e-mail (kept by billing). Its users and
/// delegates with invoice viewing see it; only its own buyer-admins change it. Each form is saved in its own transaction.
/// </summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class KontoModel(TenantAccess access, BillingAccountService accounts, OrganisationStore organisations, IStringLocalizer<SharedResource> texts)
    : MunicipalityBillingPage(access)
{
    public BillingReadiness Readiness { get; private set; } = null!;
    public BillingAccount? Account { get; private set; }
    public string? Notice { get; private set; }

    [BindProperty] public string? Recipient { get; set; }
    [BindProperty] public string? Street { get; set; }
    [BindProperty] public string? PostalCode { get; set; }
    [BindProperty] public string? City { get; set; }
    [BindProperty] public string? LeitwegId { get; set; }
    [BindProperty] public string? PaymentChannel { get; set; }
    [BindProperty] public string? Email { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        await LoadAsync(fill: true, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAddressAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        if (!ManagesAccount || await organisations.GetByAgsAsync(Ags!, ct) is not { } org) return Forbid();
        try
        {
            await organisations.UpdateBillingAsync(org.Id, new BillingDetails(LeitwegId?.Trim() ?? "", Recipient?.Trim() ?? "", Street?.Trim() ?? "",
                PostalCode?.Trim() ?? "", City?.Trim() ?? ""), Actor.Of(User), ct);
            Notice = "BillingAccount.AddressSaved";
        }
        catch (RequestValidationException e)
        {
            foreach (var field in e.ToDictionary().Keys) ModelState.AddModelError(Input(field), texts["BillingAccount.Error." + field]);
        }
        await LoadAsync(fill: false, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostChannelAsync(CancellationToken ct)
    {
        if (!await ResolveAsync(ct)) return NotFound();
        if (!ManagesAccount) return Forbid();
        try
        {
            await accounts.SaveAsync(new BillingAccountSettings(Ags!, PaymentChannel ?? "", Email?.Trim() ?? ""), Actor.Of(User), ct);
            Notice = "Billing.Account.Saved";
        }
        catch (RequestValidationException e)
        {
            ModelState.AddModelError(Input(e.Field), texts["BillingAccount.Error." + e.Field]);
        }
        await LoadAsync(fill: false, ct);
        return Page();
    }

    /// <summary>The input a service's field name belongs to ("leitwegId" → LeitwegId), for the error summary's links.</summary>
    private static string Input(string field) => field.Length == 0 ? field : char.ToUpperInvariant(field[0]) + field[1..];

    private async Task LoadAsync(bool fill, CancellationToken ct)
    {
        Readiness = await accounts.ReadinessAsync(Ags!, ct);
        Account = await accounts.GetAsync(Ags!, ct);
        if (!fill) return;
        var org = await organisations.GetByAgsAsync(Ags!, ct);
        (Recipient, Street, PostalCode, City, LeitwegId) = (org?.BillingRecipient ?? org?.Name, org?.BillingStreet, org?.BillingPostalCode, org?.BillingCity, org?.LeitwegId);
        (PaymentChannel, Email) = (Account?.PaymentChannel, Account?.Email);
    }
}
