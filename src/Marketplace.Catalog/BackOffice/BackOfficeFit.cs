using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.BackOffice;

/// <summary>
/// The reference data of back-office fit: the interface standards (catalog/schnittstellen) and the Fachverfahren
/// products per area (catalog/fachverfahren). Product ids are unique across areas.
/// </summary>
public sealed class BackOfficeReference
{
    public const string FitConnect = "fit-connect";

    public static readonly BackOfficeReference Empty = new([], []);

    private readonly Dictionary<string, SchnittstelleDescriptor> _interfaces;
    private readonly Dictionary<string, FachverfahrenAreaDescriptor> _areas;
    private readonly Dictionary<string, (FachverfahrenAreaDescriptor Area, FachverfahrenProductDescriptor Product)> _products = new(StringComparer.Ordinal);

    public BackOfficeReference(IEnumerable<SchnittstelleDescriptor> interfaces, IEnumerable<FachverfahrenAreaDescriptor> areas)
    {
        Interfaces = interfaces.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        Areas = areas.OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        _interfaces = Interfaces.ToDictionary(i => i.Id, StringComparer.Ordinal);
        _areas = Areas.ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var a in Areas)
            foreach (var p in a.Products) _products.TryAdd(p.Id, (a, p));
    }

    /// <summary>The reference data as the catalogue import stored it.</summary>
    public static async Task<BackOfficeReference> LoadAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx) => new(
        (await Dapper.SqlMapper.QueryAsync<string>(c, CatalogSql.BackOfficeInterfaces, transaction: tx))
            .Select(j => System.Text.Json.JsonSerializer.Deserialize<SchnittstelleDescriptor>(j, DescriptorJson.Options)!),
        (await Dapper.SqlMapper.QueryAsync<string>(c, CatalogSql.FachverfahrenAreas, transaction: tx))
            .Select(j => System.Text.Json.JsonSerializer.Deserialize<FachverfahrenAreaDescriptor>(j, DescriptorJson.Options)!));

    public IReadOnlyList<SchnittstelleDescriptor> Interfaces { get; }
    public IReadOnlyList<FachverfahrenAreaDescriptor> Areas { get; }

    public SchnittstelleDescriptor? Interface(string id) => _interfaces.GetValueOrDefault(id);
    public FachverfahrenAreaDescriptor? Area(string id) => _areas.GetValueOrDefault(id);
    public (FachverfahrenAreaDescriptor Area, FachverfahrenProductDescriptor Product)? Product(string id) =>
        _products.TryGetValue(id, out var p) ? p : null;

    /// <summary>"3.x" matches every version of the 3 series; anything else only itself.</summary>
    public static bool VersionMatches(string spec, string version) =>
        spec.EndsWith(".x", StringComparison.Ordinal) ? version.StartsWith(spec[..^1], StringComparison.Ordinal) : spec == version;

    /// <summary>
    /// Problems of an offering's back-office declaration as (field, reason, code, args): unknown area, standard, version
    /// series, product (or a product of another area), and adapters whose add-on is missing from a plan.
    /// </summary>
    public IEnumerable<(string Field, string Reason, string Code, string[] Args)> Check(OfferingDescriptor o)
    {
        var seenAreas = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.BackOfficeList.Count; i++)
        {
            var d = o.BackOfficeList[i];
            var at = $"/backOffice/{i}";
            if (!seenAreas.Add(d.Area)) yield return ($"{at}/area", $"area '{d.Area}' appears twice", "descriptor.area-twice", [d.Area]);
            if (Area(d.Area) is null) yield return ($"{at}/area", $"unknown Fachverfahren area '{d.Area}'", "descriptor.unknown-area", [d.Area]);
            for (var s = 0; s < d.StandardList.Count; s++)
            {
                var std = d.StandardList[s];
                if (Interface(std.Standard) is not { } known) yield return ($"{at}/standards/{s}/standard", $"unknown interface standard '{std.Standard}'", "descriptor.unknown-interface", [std.Standard]);
                else if (!known.Versions.Any(v => VersionMatches(std.Version, v)))
                    yield return ($"{at}/standards/{s}/version", $"'{std.Version}' is no version of {known.Name} ({string.Join(", ", known.Versions)})",
                        "descriptor.unknown-interface-version", [std.Version, known.Name, string.Join(", ", known.Versions)]);
            }
            for (var a = 0; a < d.AdapterList.Count; a++)
            {
                var adapter = d.AdapterList[a];
                if (Product(adapter.Product) is not { } p) yield return ($"{at}/adapters/{a}/product", $"unknown Fachverfahren product '{adapter.Product}'", "descriptor.unknown-product", [adapter.Product]);
                else if (p.Area.Id != d.Area)
                    yield return ($"{at}/adapters/{a}/product", $"'{adapter.Product}' is a product of the area '{p.Area.Id}', not '{d.Area}'",
                        "descriptor.product-of-other-area", [adapter.Product, p.Area.Id, d.Area]);
                foreach (var plan in o.Plans.Where(plan => plan.AddOnList.All(x => x.Id != adapter.AddOn)))
                    yield return ($"{at}/adapters/{a}/addOn", $"unknown add-on '{adapter.AddOn}': plan '{plan.Id}' has no such add-on",
                        "descriptor.unknown-adapter-add-on", [adapter.AddOn, plan.Id]);
            }
            if (d.StandardList.Count == 0 && d.FitConnect != true && d.AdapterList.Count == 0 && string.IsNullOrEmpty(d.ManualExport))
                yield return (at, "declares no way of delivery (standards, fitConnect, adapters or manualExport)", "descriptor.no-delivery", []);
        }
    }
}

/// <summary>A Fachverfahren a municipality runs: area, product and version.</summary>
public sealed record RecordedProduct(string Area, string Product, string Version);

/// <summary>The three answers for an offering and a municipality's Fachverfahren.</summary>
public static class FitStatuses
{
    /// <summary>"passt zu Ihrem Fachverfahren": a standard or FIT-Connect the product receives.</summary>
    public const string Fits = "fits";
    /// <summary>"braucht Adapter": only through a priced adapter to the product.</summary>
    public const string Adapter = "adapter";
    /// <summary>"keine Anbindung": no electronic delivery to the product (at most a manual export).</summary>
    public const string None = "none";
    public static readonly IReadOnlyList<string> All = [Fits, Adapter, None];

    internal static int Rank(string s) => s switch { Fits => 0, Adapter => 1, _ => 2 };
}

/// <summary>
/// How one area of the offering reaches the municipality's product: the status, the standard (and version) or FIT-Connect
/// it uses, the adapter add-on and its price in the plan quoted, and whether a manual export is offered.
/// </summary>
public sealed record AreaFit(
    string Area, string Product, string ProductVersion, string Status, string? Via, string? ViaVersion,
    string? AdapterAddOn, long? AdapterPriceCents, string? AdapterInterval, string? ManualExport);

/// <summary>The fit of an offering overall (the weakest of its areas the municipality has recorded a product for) and per area.</summary>
public sealed record BackOfficeFitResult(string Status, IReadOnlyList<AreaFit> Areas)
{
    /// <summary>The add-ons the order needs for its adapters.</summary>
    public IReadOnlyList<string> AdapterAddOns => Areas.Where(a => a.Status == FitStatuses.Adapter && a.AdapterAddOn is not null)
        .Select(a => a.AdapterAddOn!).Distinct().ToList();

    public long AdapterPriceCents => Areas.Where(a => a.Status == FitStatuses.Adapter).Sum(a => a.AdapterPriceCents ?? 0);
}

/// <summary>Evaluates an offering's back-office declaration against the Fachverfahren a municipality runs.</summary>
public static class BackOfficeFit
{
    /// <summary>
    /// The fit, or null when the offering declares no area the municipality has recorded a product for (nothing to say).
    /// Prices come from plan <paramref name="planId"/> (else the first plan that has the adapter's add-on).
    /// </summary>
    public static BackOfficeFitResult? Evaluate(OfferingDescriptor o, BackOfficeReference reference, IReadOnlyList<RecordedProduct> recorded, string? planId = null)
    {
        var areas = new List<AreaFit>();
        foreach (var d in o.BackOfficeList)
        {
            if (recorded.FirstOrDefault(r => r.Area == d.Area) is not { } run) continue;
            var version = reference.Product(run.Product)?.Product.Versions.FirstOrDefault(v => v.Version == run.Version);
            var receives = version?.Interfaces ?? [];
            var direct = d.StandardList
                .Select(s => (s, Got: receives.FirstOrDefault(i => i.Interface == s.Standard)?.Versions.LastOrDefault(v => BackOfficeReference.VersionMatches(s.Version, v))))
                .FirstOrDefault(x => x.Got is not null);
            if (direct.Got is not null)
            {
                areas.Add(new AreaFit(d.Area, run.Product, run.Version, FitStatuses.Fits, direct.s.Standard, direct.Got, null, null, null, d.ManualExport));
                continue;
            }
            if (d.FitConnect == true && receives.FirstOrDefault(i => i.Interface == BackOfficeReference.FitConnect) is { } fit)
            {
                areas.Add(new AreaFit(d.Area, run.Product, run.Version, FitStatuses.Fits, BackOfficeReference.FitConnect, fit.Versions[^1], null, null, null, d.ManualExport));
                continue;
            }
            if (d.AdapterList.FirstOrDefault(a => a.Product == run.Product) is { } adapter)
            {
                var plans = o.Plans.Where(p => p.Id == planId).Concat(o.Plans);
                var addOn = plans.Select(p => p.AddOnList.FirstOrDefault(x => x.Id == adapter.AddOn)).FirstOrDefault(x => x is not null);
                areas.Add(new AreaFit(d.Area, run.Product, run.Version, FitStatuses.Adapter, null, null, adapter.AddOn, addOn?.PriceCents, addOn?.Interval, d.ManualExport));
                continue;
            }
            areas.Add(new AreaFit(d.Area, run.Product, run.Version, FitStatuses.None, null, null, null, null, null, d.ManualExport));
        }
        if (areas.Count == 0) return null;
        return new BackOfficeFitResult(areas.MaxBy(a => FitStatuses.Rank(a.Status))!.Status, areas);
    }
}
