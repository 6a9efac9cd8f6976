using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Bestellung;

/// <summary>
/// A life-event bundle order: first one offering per Leistung (competing vendors side by side), then each offering's
/// plan and own fields, the fields several offerings share entered once; one order creates every subscription.
/// Inputs: "sel.&lt;ozg&gt;" the offering, "plan&lt;i&gt;" its plan, "o&lt;i&gt;.*" its own fields, "shared.*" the shared ones.
/// </summary>
[Authorize(Policy = Policies.ActsForMunicipality)]
public sealed class BuendelModel(TenantAccess access, CatalogSearchService search, OfferingDirectory offerings, TenantConfiguration configuration,
    BundleOrders bundles) : MunicipalityPage(access)
{
    public const string SharedPrefix = "shared";

    public BundleDescriptor Bundle { get; private set; } = null!;
    /// <summary>Per Leistung of the bundle: its name and the orderable offerings for it in the municipality's Land.</summary>
    public IReadOnlyList<(string OzgId, string Name, IReadOnlyList<CatalogOffering> Offerings)> Choices { get; private set; } = [];
    /// <summary>The chosen offerings in order, with their form (own fields only).</summary>
    public IReadOnlyList<(string OzgId, OfferingInfo Offering, ConfigFormModel Form)> Selected { get; private set; } = [];
    public IReadOnlyList<FormField> SharedFields { get; private set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(string bundleId, CancellationToken ct)
    {
        if ((await RefusedAsync(MunicipalityPermission.Order, ct) ?? Load(bundleId)) is { } refused) return refused;
        IdempotencyKey = Guid.NewGuid().ToString();
        await SelectAsync(Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), null, null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string bundleId, CancellationToken ct)
    {
        if ((await RefusedAsync(MunicipalityPermission.Order, ct) ?? Load(bundleId)) is { } refused) return refused;
        var form = Request.Form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var picks = Picks(form);
        var inputs = OrderingPages.ConfigInputs(Request.Form, SharedPrefix);
        var schemas = new List<TenantSchema>();
        var selections = new List<BundleSelection>();
        var shared = new JsonObject();
        for (var i = 0; i < picks.Count; i++)
        {
            if (await offerings.GetAsync(picks[i].OfferingId, ct) is not { } offering) return NotFound();
            var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
            schemas.Add(schema);
            var own = ConfigForm.Read(schema, OrderingPages.ConfigInputs(Request.Form, $"o{i}"), out var ownErrors, $"o{i}");
            foreach (var (k, v) in ConfigForm.Read(schema, inputs, out _, SharedPrefix)) shared[k] ??= v?.DeepClone();
            OrderingPages.AddErrors(ModelState, ownErrors, $"o{i}");
            selections.Add(new BundleSelection(picks[i].OzgId, offering.Id, form.GetValueOrDefault($"plan{i}") ?? "", [], own));
        }
        var sharedNames = BundleOrders.SharedFields(schemas);
        foreach (var key in shared.Select(kv => kv.Key).Where(k => !sharedNames.Contains(k)).ToList()) shared.Remove(key);
        if (ModelState.IsValid)
        {
            try
            {
                var result = await bundles.PlaceAsync(Ags, User.SubjectOf()!, IdempotencyKey, new BundleOrderRequest(bundleId, selections, shared), ct);
                return RedirectToPage("/Bestellung/Bestellung", new { ags = Ags, orderId = result.Order.Id, neu = true });
            }
            catch (RequestValidationException e)
            {
                foreach (var (key, message) in e.Errors.Select(Relocate)) ModelState.AddModelError(key, message);
            }
        }
        var placed = ModelState.SelectMany(kv => kv.Value!.Errors.Select(x => (kv.Key, x.ErrorMessage))).ToList();
        await SelectAsync(form, (selections, shared), placed, ct);
        return Page();
    }

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

    /// <summary>Builds the second step's forms: own fields per offering, shared fields once, with posted values and errors placed.</summary>
    private async Task SelectAsync(IReadOnlyDictionary<string, string> values, (List<BundleSelection> Selections, JsonObject Shared)? posted,
        IReadOnlyList<(string Key, string Message)>? errors, CancellationToken ct)
    {
        var picks = Picks(values);
        if (picks.Count == 0) return;
        var chosen = new List<(string, OfferingInfo)>();
        foreach (var (ozg, offeringId) in picks)
            if (await offerings.GetAsync(offeringId, ct) is { } o) chosen.Add((ozg, o));
        var sharedNames = BundleOrders.SharedFields(chosen.Select(c => TenantSchema.For(c.Item2.Descriptor.TenantConfigSchema)).ToList());
        var selected = new List<(string, OfferingInfo, ConfigFormModel)>();
        var sharedFields = new List<FormField>();
        for (var i = 0; i < chosen.Count; i++)
        {
            var (ozg, offering) = chosen[i];
            var own = posted?.Selections.ElementAtOrDefault(i)?.Configuration;
            var form = await configuration.OrderFormAsync(Ags, offering.Id, own, ConfigErrorsFor(errors, $"o{i}"), ct, $"o{i}");
            var sharedForm = await configuration.OrderFormAsync(Ags, offering.Id, posted?.Shared, ConfigErrorsFor(errors, SharedPrefix), ct, SharedPrefix);
            sharedFields.AddRange(sharedForm.Fields.Where(f => sharedNames.Contains(Top(f)) && sharedFields.All(s => s.Name != f.Name)));
            selected.Add((ozg, offering, form with { Fields = form.Fields.Where(f => !sharedNames.Contains(Top(f))).ToList() }));
        }
        Selected = selected;
        SharedFields = sharedFields;
    }

    private static string Top(FormField f) => TenantSchema.Segments(f.Pointer).First();

    /// <summary>The configuration errors whose input key starts with the prefix, as pointers for that form.</summary>
    private static List<ConfigError> ConfigErrorsFor(IReadOnlyList<(string Key, string Message)>? errors, string prefix) =>
        (errors ?? []).Where(e => e.Key.StartsWith(prefix + ".", StringComparison.Ordinal) || e.Key.StartsWith(prefix + "[", StringComparison.Ordinal))
            .Select(e => new ConfigError(KeyToPointer(e.Key[prefix.Length..]), e.Message)).ToList();

    private static string KeyToPointer(string rest) =>
        string.Concat(System.Text.RegularExpressions.Regex.Matches(rest, @"\.([^.\[]+)|\[(\d+)\]").Select(m => "/" + (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)));

    /// <summary>A service error at the input it belongs to: "selections/1/configuration/x" → "o1.x", "sharedConfiguration/x" → "shared.x".</summary>
    private static (string Key, string Message) Relocate(FieldError e)
    {
        var parts = e.Field.Split('/');
        if (parts[0] == "sharedConfiguration") return (OrderingPages.FieldName("/" + string.Join('/', parts[1..]), SharedPrefix), e.Message);
        if (parts[0] == "selections" && parts.Length >= 3 && int.TryParse(parts[1], out var i))
            return parts[2] switch
            {
                "configuration" => (OrderingPages.FieldName("/" + string.Join('/', parts[3..]), $"o{i}"), e.Message),
                "planId" => ($"plan{i}", e.Message),
                _ => ($"offering{i}", e.Message),
            };
        return ("selections", e.Message);
    }
}
