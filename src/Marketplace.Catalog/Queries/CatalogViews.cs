using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Search;

namespace Marketplace.Catalog.Queries;

public sealed record LeistungView(string OzgId, string Name, string NameEn, Ref Themenfeld, IReadOnlyList<Ref> Lebenslagen,
    IReadOnlyList<string> LeikaKeys, string Description);

public sealed record StandardClaim(string Id, string Name, string Version);

/// <summary>
/// Everything the catalogue shows about one offering. The broker URL and the status URL the platform probes stay internal
/// (in the demo both point at the sample broker); the measured availability is what the catalogue publishes.
/// </summary>
public sealed record OfferingDetail(
    string Id, string Name, string NameEn, string Summary, string DescriptionHtml, Ref Vendor, IReadOnlyList<LeistungView> Leistungen,
    IReadOnlyList<string> Laender, int Reifegrad, IReadOnlyList<StandardClaim> Standards, HostingDescriptor Hosting,
    string? AccessibilityStatementUrl, SupportDescriptor Support, SlaDescriptor Sla, IReadOnlyList<PlanDescriptor> Plans,
    JsonObject TenantConfigSchema, string Provisioning, long PriceFromCents, IReadOnlyList<string> PriceModels,
    int Version, string Lifecycle, bool Orderable, DateTimeOffset? LastCheckedAt, IReadOnlyList<ConformanceBadge> Conformance)
{
    /// <summary>
    /// Announced changes of sub-processors not yet in force (within their objection period), each with the day it takes
    /// effect; <see cref="Hosting"/> names the sub-processors in force.
    /// </summary>
    public IReadOnlyList<Residency.SubProcessorChange> PendingSubProcessorChanges { get; init; } = [];
}

/// <summary>One competing offering in the comparison of a Leistung.</summary>
public sealed record ComparisonRow(OfferingCard Offering, SlaDescriptor Sla, HostingDescriptor Hosting, int PlanCount,
    int AddOnCount, int MeteredCount, long SetupFeesFromCents, bool AccessibilityStatement)
{
    /// <summary>Announced changes of sub-processors not yet in force; <see cref="Hosting"/> names those in force.</summary>
    public IReadOnlyList<Residency.SubProcessorChange> PendingSubProcessorChanges { get; init; } = [];
}

public sealed record LeistungComparison(LeistungView Leistung, IReadOnlyList<ComparisonRow> Offerings);

public sealed record LeistungSummary(string OzgId, string Name, string NameEn, string ThemenfeldId, int OfferingCount);

/// <summary>Builds the catalogue's views from one index revision.</summary>
public sealed class CatalogViews(MarkdownRenderer markdown)
{
    public LeistungView Leistung(CatalogReadModel c, LeistungInfo l) => new(l.OzgId, l.Name, l.NameEn,
        new Ref(l.ThemenfeldId, c.Themenfelder[l.ThemenfeldId].Name),
        l.LebenslageIds.Select(id => new Ref(id, c.Lebenslagen[id].Item.Name)).ToList(), l.LeikaKeys, l.Description);

    // Per index revision: the detail of an offering does not change within one, and building it (Markdown, sanitising)
    // costs more than the rest of the offering page. A replaced index takes its details with it.
    // Unknown ids are not kept, so that guessing cannot grow the table.
    private readonly ConditionalWeakTable<CatalogSearchIndex, ConcurrentDictionary<string, OfferingDetail>> _details = new();

    public OfferingDetail? Offering(CatalogSearchIndex index, string id) => index.Catalog.Offering(id) is null ? null
        : _details.GetValue(index, _ => new ConcurrentDictionary<string, OfferingDetail>(StringComparer.Ordinal))
            .GetOrAdd(id, (key, i) => Build(i, key), index);

    /// <summary>
    /// The offering's detail with its lifecycle as it is now (<paramref name="lifecycle"/>, read from the database):
    /// a deprecated or retired offering is never shown as active or orderable, even before the index follows.
    /// </summary>
    public static OfferingDetail WithLifecycle(OfferingDetail detail, string? lifecycle) =>
        lifecycle is null || lifecycle == detail.Lifecycle ? detail
        : detail with { Lifecycle = lifecycle, Orderable = detail.Orderable && lifecycle == OfferingLifecycles.Active };

    private OfferingDetail Build(CatalogSearchIndex index, string id)
    {
        var c = index.Catalog;
        var offering = c.Offering(id)!;
        var o = offering.Descriptor;
        return new OfferingDetail(o.Id, o.Name, o.NameEn, o.Summary, markdown.ToSafeHtml(o.Description), new Ref(o.Vendor, offering.VendorName),
            o.Leistungen.Select(l => Leistung(c, c.Leistungen[l])).ToList(), c.LandAbbreviations(o), o.Reifegrad,
            o.Standards.Select(s => new StandardClaim(s.Standard, c.Standards.TryGetValue(s.Standard, out var st) ? st.Name : s.Standard, s.Version)).ToList(),
            o.Hosting, o.AccessibilityStatementUrl, o.Support, PublicSla(o.Sla), o.Plans, o.TenantConfigSchema, o.Provisioning.Type,
            OfferingPricing.PriceFromCents(o), OfferingPricing.PriceModels(o),
            offering.Listing.Version, offering.Listing.Lifecycle, offering.Listing.Orderable, offering.Listing.LastCheckedAt,
            CatalogSearchIndex.Badges(c, offering.Listing));
    }

    private static SlaDescriptor PublicSla(SlaDescriptor sla) => sla with { StatusUrl = null };

    /// <summary>All offerings for one Leistung side by side, best Reifegrad first.</summary>
    public LeistungComparison? Compare(CatalogSearchIndex index, string key)
    {
        var c = index.Catalog;
        if (c.Leistung(key) is not { } leistung) return null;
        var result = index.Search(new SearchRequest(null,
            new Dictionary<string, IReadOnlyList<string>> { [Facets.Leistung] = [leistung.OzgId] }, SortOrders.Name, 1, SearchRequest.MaxPageSize));
        var rows = result.Items.Select(card =>
        {
            var o = c.Offering(card.Id)!.Descriptor;
            return new ComparisonRow(card, PublicSla(o.Sla), o.Hosting, o.Plans.Count,
                o.Plans.Max(p => p.AddOnList.Count), o.Plans.Max(p => p.MeteredList.Count),
                o.Plans.Min(p => p.SetupFeeList.Sum(f => f.PriceCents)), o.AccessibilityStatementUrl is not null);
        }).OrderByDescending(r => r.Offering.Reifegrad).ThenBy(r => r.Offering.Name, StringComparer.CurrentCulture).ToList();
        return new LeistungComparison(Leistung(c, leistung), rows);
    }

    public IReadOnlyList<LeistungSummary> Leistungen(CatalogSearchIndex index)
    {
        var counts = index.Search(new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>>(), null, 1, 1)).Facets[Facets.Leistung]
            .ToDictionary(f => f.Value, f => f.Count);
        return index.Catalog.Leistungen.Values
            .Select(l => new LeistungSummary(l.OzgId, l.Name, l.NameEn, l.ThemenfeldId, counts.GetValueOrDefault(l.OzgId)))
            .OrderBy(l => l.Name, StringComparer.CurrentCulture).ToList();
    }
}
