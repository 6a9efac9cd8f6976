using System.Text.Json.Nodes;
using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Web.Pages.Shared;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>
/// A life-event bundle order: first one offering per Leistung (competing vendors side by side), then each offering's
/// plan and own fields, the fields several offerings share entered once; one order creates every subscription.
/// Inputs: "sel.&lt;ozg&gt;" the offering, "plan&lt;i&gt;" its plan, "o&lt;i&gt;.*" its own fields, "shared.*" the shared ones.
/// </summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class BuendelModel(TenantAccess access, CatalogSearchService search, OfferingDirectory offerings, TenantConfiguration configuration,
    BundleOrders bundles, OrderQuotes quotes, TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text,
    Marketplace.Provisioning.Residency.DataPolicies policies, Marketplace.Provisioning.BackOffice.MunicipalityFachverfahren fachverfahren) : MunicipalityPage(access)
{
    /// <summary>Per selected offering: how it misses the municipality's data policy (null where it fits); each misfit needs its own exception.</summary>
    public IReadOnlyList<Marketplace.Provisioning.Residency.MunicipalityFit?> Misfits { get; private set; } = [];

    public BundleDescriptor Bundle { get; private set; } = null!;
    /// <summary>Per Leistung of the bundle: its name and the orderable offerings for it in the municipality's Land.</summary>
    public IReadOnlyList<(string OzgId, string Name, IReadOnlyList<CatalogOffering> Offerings)> Choices { get; private set; } = [];
    /// <summary>The chosen offerings in order, with their form (own fields only).</summary>
    public IReadOnlyList<(string OzgId, OfferingInfo Offering, ConfigFormModel Form)> Selected { get; private set; } = [];
    public IReadOnlyList<FormField> SharedFields { get; private set; } = [];
    /// <summary>Per selected offering: the chosen plan and add-ons, as the cost summaries quote them.</summary>
    public IReadOnlyList<string> Plans { get; private set; } = [];
    public IReadOnlyList<List<string>> AddOns { get; private set; } = [];
    public CombinedQuote? Quote { get; private set; }
    public DateTimeOffset QuotedStart { get; private set; }
    [BindProperty] public string IdempotencyKey { get; set; } = "";

    // The order form's errors at their inputs, with their codes, for this request.
    private CombinedOrderForm.Errors FormErrors => _formErrors ??= new(ModelState, text);
    private CombinedOrderForm.Errors? _formErrors;

    public async Task<IActionResult> OnGetAsync(string bundleId, CancellationToken ct)
    {
        if ((await RefusedAsync(MunicipalityPermission.Order, ct) ?? Load(bundleId)) is { } refused) return refused;
        IdempotencyKey = Guid.NewGuid().ToString();
        await SelectAsync(Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string bundleId, CancellationToken ct)
    {
        if ((await RefusedAsync(MunicipalityPermission.Order, ct) ?? Load(bundleId)) is { } refused) return refused;
        var form = Request.Form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var picks = Picks(form);
        var chosen = new List<OfferingInfo>();
        foreach (var pick in picks)
            if (await offerings.GetAsync(pick.OfferingId, ct) is { } offering) chosen.Add(offering);
            else return NotFound();
        var (shared, own) = CombinedOrderForm.Read(Request.Form, chosen, FormErrors);
        var selections = picks.Select((p, i) => new BundleSelection(p.OzgId, p.OfferingId, PlanOf(form, i, chosen[i]), AddOnsOf(i, chosen[i], form), own[i],
            CombinedOrderForm.PolicyException(Request.Form, i))).ToList();
        if (ModelState.IsValid && Request.Query["handler"] != "Quote")
        {
            var placed = await CombinedOrderForm.PlaceAsync(() =>
            {
                if (selections.Any(x => x.DataPolicyException is not null) && !OwnBuyerAdmin(User, Ags))
                    throw new ForbiddenException(text["Ordering.PolicyException.BuyerAdminOnly"].Value) { Code = "order.exception-buyer-admins-only" };
                return bundles.PlaceAsync(Ags, User.SubjectOf()!, IdempotencyKey, new BundleOrderRequest(bundleId, selections, shared), ct);
            }, "selections", "offering0", FormErrors);
            if (placed.OrderId is not null) return RedirectToPage("/Gemeinden/Bestellung", new { ags = Ags, orderId = placed.OrderId, neu = true });
            Problem = placed.Problem ?? Problem;
            if (placed.KeyReused) IdempotencyKey = Guid.NewGuid().ToString();
        }
        else if (Request.Query["handler"] == "Quote") ModelState.Clear();
        await SelectAsync(form, (selections, shared, own), ct);
        return Page();
    }

    /// <summary>Recalculates the cost summaries for the chosen plans, add-ons and expected usage; nothing is ordered.</summary>
    public Task<IActionResult> OnPostQuoteAsync(string bundleId, CancellationToken ct) => OnPostAsync(bundleId, ct);

    private IActionResult? Load(string bundleId)
    {
        var catalog = search.Current.Catalog;
        if (catalog.Bundles.FirstOrDefault(b => b.Id == bundleId) is not { } bundle) return NotFound();
        Bundle = bundle;
        var land = catalog.Laender.FirstOrDefault(l => l.Code == Ags[..2])?.Abbreviation;
        Choices = bundle.Leistungen.Select(ozg => (ozg, catalog.Leistung(ozg) is { } l ? Format.Name(l.Name, l.NameEn) : ozg,
            (IReadOnlyList<CatalogOffering>)catalog.Offerings
                .Where(o => o.Descriptor.Leistungen.Contains(ozg) && o.Listing.Orderable && land is not null && catalog.LandAbbreviations(o.Descriptor).Contains(land))
                .OrderBy(o => o.Descriptor.Name, StringComparer.CurrentCulture).ToList())).ToList();
        return null;
    }

    private static List<(string OzgId, string OfferingId)> Picks(IReadOnlyDictionary<string, string> values) =>
        values.Where(v => v.Key.StartsWith("sel.", StringComparison.Ordinal) && v.Value.Length > 0)
            .Select(v => (v.Key[4..], v.Value)).OrderBy(v => v.Item1, StringComparer.Ordinal).ToList();

    /// <summary>Builds the second step's forms and cost summaries: own fields per offering, shared fields once, with posted values and errors placed.</summary>
    private async Task SelectAsync(IReadOnlyDictionary<string, string> values, (List<BundleSelection> Selections, JsonObject Shared, List<JsonObject> Own)? posted,
        CancellationToken ct)
    {
        var picks = Picks(values);
        if (picks.Count == 0) return;
        var chosen = new List<(string OzgId, OfferingInfo Offering)>();
        foreach (var (ozg, offeringId) in picks)
            if (await offerings.GetAsync(offeringId, ct) is { } o) chosen.Add((ozg, o));
        var (forms, shared) = await CombinedOrderForm.BuildAsync(configuration, Ags, chosen.Select(c => c.Offering).ToList(), posted?.Own, posted?.Shared,
            posted is null ? null : FormErrors, ct);
        Selected = chosen.Select((c, i) => (c.OzgId, c.Offering, forms[i])).ToList();
        Misfits = await CombinedOrderForm.MisfitsAsync(policies, Ags, chosen.Select(c => c.Offering), ct);
        SharedFields = shared;
        Plans = chosen.Select((c, i) => PlanOf(values, i, c.Offering)).ToList();
        var addOns = chosen.Select((c, i) => AddOnsOf(i, c.Offering, values)).ToList();
        // The offerings just chosen (not yet posted with the buyer's own ticks): the adapter each one's Fachverfahren needs is
        // part of what the municipality orders, preselected and so in the cost summary, as on the single order form.
        if (posted is null)
            for (var i = 0; i < chosen.Count; i++)
                addOns[i] = addOns[i].Union(await fachverfahren.AdapterAddOnsAsync(Ags, chosen[i].Offering.Descriptor, Plans[i], ct)).ToList();
        AddOns = addOns;
        QuotedStart = clock.GetUtcNow();
        Quote = await quotes.QuoteAllAsync(chosen.Select((c, i) => new QuoteRequest(c.Offering.Id, Plans[i], AddOns[i], QuotedStart,
            Request.HasFormContentType ? CostSummaryView.ReadUsage(Request.Form, $"u{i}.") : [])).ToList(), Ags, ct);
    }

    /// <summary>The plan chosen for the i-th offering ("plan&lt;i&gt;"), else its first.</summary>
    private static string PlanOf(IReadOnlyDictionary<string, string> values, int i, OfferingInfo offering) =>
        values.GetValueOrDefault($"plan{i}") is { } p && offering.Plan(p) is not null ? p : offering.Descriptor.Plans.FirstOrDefault()?.Id ?? "";

    /// <summary>The add-ons ticked for the i-th offering ("addon&lt;i&gt;") that its chosen plan has: another plan's are not kept.</summary>
    private List<string> AddOnsOf(int i, OfferingInfo offering, IReadOnlyDictionary<string, string> values)
    {
        var plan = offering.Plan(PlanOf(values, i, offering));
        var ticked = Request.HasFormContentType ? Request.Form[$"addon{i}"].Select(a => a ?? "") : [];
        return ticked.Where(a => plan?.AddOnList.Any(x => x.Id == a) == true).Distinct().ToList();
    }
}
