using System.Text.Json.Nodes;
using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Descriptors;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Api;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Orders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Marketplace.Web.Pages.Gemeinden;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>
/// The order form of an offering: plan, extras and the configuration form generated from the offering's JSON Schema
/// (Land defaults filled in), validated by the same service as the API; errors are linked to their fields. A hidden
/// Idempotency-Key makes a second submit of the same form return the first order. The cost summary is the billing
/// run's quote for the chosen plan, add-ons and expected usage; "Kosten berechnen" recalculates it without JavaScript.
/// </summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class BestellenModel(OfferingDirectory offerings, TenantConfiguration configuration, OrderService orders, ProvisioningAccess access,
    Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text, OrderQuotes quotes, TimeProvider clock,
    Marketplace.Provisioning.Residency.DataPolicies policies, Marketplace.Provisioning.BackOffice.MunicipalityFachverfahren fachverfahren) : PageModel
{
    public OrderQuote? Quote { get; private set; }
    public DateTimeOffset QuotedStart { get; private set; }
    /// <summary>The plan the form is about: the chosen one, else the first.</summary>
    public PlanDescriptor? ChosenPlan => Offering.Plan(PlanId ?? "") ?? Offering.Descriptor.Plans.FirstOrDefault();
    /// <summary>Expected units a month per metered dimension, as the municipality estimates them.</summary>
    // Named explicitly: without a "Usage[...]" field (an offering without metered prices) the binder would otherwise fall back
    // to the whole form and report every plan and add-on id as "not valid" for a number.
    [BindProperty(Name = nameof(Usage))] public Dictionary<string, long> Usage { get; set; } = new(StringComparer.Ordinal);

    public OfferingInfo Offering { get; private set; } = null!;
    public ConfigFormModel Form { get; private set; } = null!;
    public IReadOnlyList<string> Municipalities { get; private set; } = [];
    /// <summary>Why the municipality cannot order this offering now (the same rule the order service applies); null when it can.</summary>
    public NotOrderable? NotOrderable { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Ags { get; set; }
    [BindProperty] public string? PlanId { get; set; }
    [BindProperty] public List<string> AddOnIds { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = "";
    /// <summary>How the offering stands against the municipality's data policy (null: no policy); see _DataPolicyException.</summary>
    public Marketplace.Provisioning.Residency.MunicipalityFit? PolicyFit { get; private set; }
    [BindProperty] public string? DataPolicyExceptionReason { get; set; }
    /// <summary>How the offering delivers to the municipality's Fachverfahren; an adapter it needs is preselected on the form.</summary>
    public Marketplace.Catalog.BackOffice.BackOfficeFitResult? BackOfficeFit { get; private set; }
    public Marketplace.Catalog.BackOffice.BackOfficeReference BackOfficeReference { get; private set; } = Marketplace.Catalog.BackOffice.BackOfficeReference.Empty;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused) return refused;
        IdempotencyKey = Guid.NewGuid().ToString();
        PlanId ??= Offering.Descriptor.Plans.FirstOrDefault()?.Id;
        if (Ags is not null && NotOrderable is null)
        {
            await FitAsync(ct);
            // The adapter the municipality's Fachverfahren needs is part of what it orders: preselected, and so in the cost summary.
            if (BackOfficeFit is { } fit) AddOnIds = AddOnIds.Union(fit.AdapterAddOns).ToList();
            Form = await configuration.OrderFormAsync(Ags, id, null, null, ct, OrderingPages.ConfigPrefix);
            await QuoteAsync(ct);
        }
        return Page();
    }

    /// <summary>Recalculates the cost summary for the submitted choices and shows the form again, nothing ordered.</summary>
    public async Task<IActionResult> OnPostQuoteAsync(string id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused) return refused;
        if (Ags is null || NotOrderable is not null) return Page();
        ModelState.Clear();
        var schema = TenantSchema.For(Offering.Descriptor.TenantConfigSchema);
        var values = ConfigForm.Read(schema, OrderingPages.ConfigInputs(Request.Form), out _, OrderingPages.ConfigPrefix);
        Form = await configuration.OrderFormAsync(Ags, id, values, null, ct, OrderingPages.ConfigPrefix);
        await QuoteAsync(ct);
        return Page();
    }

    private async Task FitAsync(CancellationToken ct)
    {
        BackOfficeFit = await fachverfahren.FitAsync(Ags!, Offering.Descriptor, PlanId, ct);
        if (BackOfficeFit is not null) BackOfficeReference = await fachverfahren.ReferenceAsync(ct);
    }

    private async Task QuoteAsync(CancellationToken ct)
    {
        if (BackOfficeFit is null && Ags is not null) await FitAsync(ct);
        if (ChosenPlan is not { } plan) return;
        // Add-ons of another plan are not kept when the plan changes: the form offers only the chosen plan's.
        AddOnIds = AddOnIds.Where(a => plan.AddOnList.Any(x => x.Id == a)).ToList();
        QuotedStart = clock.GetUtcNow();
        Quote = await quotes.QuoteAsync(new QuoteRequest(Offering.Id, plan.Id, AddOnIds, QuotedStart, Usage), Ags, ct);
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused) return refused;
        if (Ags is null || NotOrderable is not null) return Page();
        var schema = TenantSchema.For(Offering.Descriptor.TenantConfigSchema);
        var values = ConfigForm.Read(schema, OrderingPages.ConfigInputs(Request.Form), out var readErrors, OrderingPages.ConfigPrefix);
        IReadOnlyList<FieldError> configErrors = readErrors;
        if (readErrors.Count == 0)
        {
            try
            {
                var result = await orders.PlaceAsync(Ags, User.SubjectOf()!, IdempotencyKey, new OrderRequest(id, PlanId ?? "", AddOnIds, values)
                    { DataPolicyException = string.IsNullOrWhiteSpace(DataPolicyExceptionReason) ? null : new(DataPolicyExceptionReason) }, ct);
                return RedirectToPage("/Gemeinden/Bestellung", new { ags = Ags, orderId = result.Order.Id, neu = true });
            }
            catch (RequestValidationException e) when (e is not IdempotencyKeyReusedException)
            {
                configErrors = OrderingPages.AddErrors(ModelState, e.Errors, text, new Dictionary<string, string>
                    { ["planId"] = nameof(PlanId), ["addOnIds"] = nameof(AddOnIds), ["dataPolicyException/reason"] = nameof(DataPolicyExceptionReason) });
            }
            catch (IdempotencyKeyReusedException)
            {
                // The form changed after an earlier submit went through: a new key makes it a new order.
                IdempotencyKey = Guid.NewGuid().ToString();
                ModelState.AddModelError(nameof(PlanId), text["Ordering.KeyReused"]);
            }
        }
        else OrderingPages.AddConfigErrors(ModelState, readErrors, text);
        Form = await configuration.OrderFormAsync(Ags, id, values, configErrors, ct, OrderingPages.ConfigPrefix);
        await QuoteAsync(ct);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(string id, CancellationToken ct)
    {
        if (await offerings.GetAsync(id, ct) is not { } offering) return NotFound();
        Offering = offering;
        Municipalities = await access.MunicipalitiesAsync(User, MunicipalityPermission.Order, ct);
        Ags = OrderingPages.ActingAgs(User, Ags) ?? (Municipalities.Count == 1 ? Municipalities[0] : null);
        if (Ags is null) return null; // a bundler picks the municipality first
        var refused = await access.RefusalAsync(User, Ags, MunicipalityPermission.Order, ct);
        if (refused is null) NotOrderable = await offerings.WhyNotOrderableAsync(offering, Ags, ct);
        if (refused is null) PolicyFit = await policies.FitAsync(Ags, offering.Descriptor.Hosting, ct);
        return refused switch
        {
            null => null,
            ForbiddenException => Forbid(),
            _ => NotFound(),
        };
    }
}
