using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.Search;

/// <summary>The facets the catalogue can be filtered by; values are ids or codes, never labels.</summary>
public static class Facets
{
    public const string Themenfeld = "themenfeld";
    public const string Lebenslage = "lebenslage";
    public const string Leistung = "leistung";
    public const string Vendor = "vendor";
    public const string Standard = "standard";
    public const string Reifegrad = "reifegrad";
    public const string Land = "land";
    public const string PriceModel = "priceModel";
    /// <summary>The standards an offering is checked conformant to (not merely claims).</summary>
    public const string Conformance = "conformance";
    /// <summary>"true" or "false"; the catalogue shows orderable offerings unless asked otherwise.</summary>
    public const string Orderable = "orderable";
    /// <summary>The kind of operator: kommunal, land, privat, hyperscaler.</summary>
    public const string OperatorKind = "operatorKind";
    /// <summary>The countries of primary and backup storage (ISO 3166-1 alpha-2).</summary>
    public const string DataCountry = "dataCountry";
    /// <summary>The Länder of primary and backup storage in Germany (abbreviation).</summary>
    public const string DataLand = "dataLand";
    /// <summary>Access from third countries: none, eu, possible.</summary>
    public const string ThirdCountryAccess = "thirdCountryAccess";

    public static readonly IReadOnlyList<string> All =
        [Orderable, Themenfeld, Lebenslage, Leistung, Vendor, Standard, Conformance, Reifegrad, Land, PriceModel, OperatorKind, DataCountry, DataLand, ThirdCountryAccess];

    /// <summary>The filter a search applies to a facet the request leaves open: only orderable offerings.</summary>
    public static IReadOnlyList<string> Default(string facet) => facet == Orderable ? ["true"] : [];
}

public static class SortOrders
{
    public const string Relevance = "relevance";
    public const string Name = "name";
    public const string Price = "price";
    /// <summary>Best average rating first; more ratings win a tie, unrated offerings come last.</summary>
    public const string Rating = "rating";
    public static readonly IReadOnlyList<string> All = [Relevance, Name, Price, Rating];
}

/// <summary>A catalogue search: free text, filters (AND across facets, OR within one), order and page.</summary>
public sealed record SearchRequest(
    string? Q,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Filters,
    string? Sort = null,
    int Page = 1,
    int PageSize = 20)
{
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 200;

    /// <summary>
    /// Only these offerings (by id) may match: a restriction that depends on the viewer (e.g. its Fachverfahren fit), so it
    /// is never part of a cached answer's key; null restricts nothing.
    /// </summary>
    public IReadOnlySet<string>? OnlyOfferings { get; init; }

    public string EffectiveSort => Sort ?? (string.IsNullOrWhiteSpace(Q) ? SortOrders.Name : SortOrders.Relevance);

    public IReadOnlyList<string> Values(string facet) => Filters.TryGetValue(facet, out var v) && v.Count > 0 ? v : Facets.Default(facet);
}

public sealed record Ref(string Id, string Name);

/// <summary>One standard's checked conformance, as a badge: status is pending, conformant, non-conformant or expired.</summary>
public sealed record ConformanceBadge(string Id, string Name, string Version, string Status, bool Required, DateTimeOffset? CheckedAt);

/// <summary>One offering in a result list.</summary>
public sealed record OfferingCard(
    string Id, string Name, string NameEn, string Summary, Ref Vendor, IReadOnlyList<Ref> Leistungen, int Reifegrad,
    IReadOnlyList<string> Laender, IReadOnlyList<Ref> Standards, long PriceFromCents, IReadOnlyList<string> PriceModels,
    string Provisioning, bool HasExtras, int Version, string Lifecycle, bool Orderable, DateTimeOffset? LastCheckedAt,
    IReadOnlyList<ConformanceBadge> Conformance, RatingSummary? Rating = null);

/// <summary>One value of a facet with its count; "selected" is left out of the JSON when false (most values are not).</summary>
public sealed record FacetValue(string Value, string Label, int Count,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool Selected);

/// <summary>A page of a search with its total and facet lists; only the index makes one.</summary>
public sealed class SearchResult
{
    private IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? _facets;

    internal SearchResult(long revision, int total, int page, int pageSize, string sort, IReadOnlyList<OfferingCard> items, int[] itemOrdinals,
        FacetCounts facetCounts)
    {
        (Revision, Total, Page, PageSize, Sort, Items) = (revision, total, page, pageSize, sort, items);
        (ItemOrdinals, FacetCounts) = (itemOrdinals, facetCounts);
    }

    public long Revision { get; }
    public int Total { get; }
    public int Page { get; }
    public int PageSize { get; }
    public string Sort { get; }
    public IReadOnlyList<OfferingCard> Items { get; }

    /// <summary>Each facet's values with counts, in <see cref="Search.Facets.All"/> order; made on first use (the card view needs none).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets => _facets ??= FacetCounts.ToFacetValues();

    /// <summary>The index's ordinals of <see cref="Items"/>, in order: the card view finds each item's encoded JSON by it.</summary>
    internal int[] ItemOrdinals { get; }

    /// <summary>The facet lists as the index counted them: the card view writes them from the index's encoded values.</summary>
    internal FacetCounts FacetCounts { get; }
}

/// <summary>One value of a facet list as the index keeps it: the value's id in the index, its count, whether the search selected it.</summary>
internal readonly record struct FacetCount(int Id, int Count, bool Selected);

/// <summary>
/// A result's facet lists in one array (facet f's from <c>start[f]</c> to <c>start[f + 1]</c>), with the index's keys and labels
/// to name them: a search allocates one array of small structs instead of a record per value, a list per facet and a dictionary.
/// </summary>
internal sealed class FacetCounts(FacetCount[] entries, int[] start, string[][] keys, string[][] labels)
{
    public ReadOnlySpan<FacetCount> Of(int f) => entries.AsSpan(start[f], start[f + 1] - start[f]);

    public Dictionary<string, IReadOnlyList<FacetValue>> ToFacetValues()
    {
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>(Search.Facets.All.Count);
        for (var f = 0; f < Search.Facets.All.Count; f++)
        {
            var values = new List<FacetValue>(start[f + 1] - start[f]);
            foreach (var c in Of(f)) values.Add(new FacetValue(keys[f][c.Id], labels[f][c.Id], c.Count, c.Selected));
            facets[Search.Facets.All[f]] = values;
        }
        return facets;
    }
}

/// <summary>How an offering stands in its checks, in short: how many of its standards are checked conformant, and when it was last checked.</summary>
public sealed record ConformanceSummary(int Conformant, int Standards, DateTimeOffset? LastCheckedAt);

/// <summary>One offering in the API's list answer: what a result card shows. The full offering is at /api/v1/offerings/{id}.</summary>
public sealed record OfferingListItem(
    string Id, string Name, Ref Vendor, IReadOnlyList<Ref> Leistungen, int Reifegrad, long PriceFromCents, bool Orderable,
    ConformanceSummary Conformance,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] RatingSummary? Rating)
{
    public static OfferingListItem From(OfferingCard c) => new(c.Id, c.Name, c.Vendor, c.Leistungen, c.Reifegrad, c.PriceFromCents, c.Orderable,
        new ConformanceSummary(c.Conformance.Count(b => b.Status == ConformanceStatuses.Conformant), c.Conformance.Count, c.LastCheckedAt), c.Rating);
}

/// <summary>
/// The API's search answer (the default view "card"): lean items, and of each facet the <see cref="MaxFacetValues"/> values
/// with the highest counts plus any selected one (Land and Reifegrad, few and ordered by key, keep all their values).
/// view=full answers the <see cref="SearchResult"/> itself.
/// </summary>
public sealed record SearchListResult(
    long Revision, int Total, int Page, int PageSize, string Sort, IReadOnlyList<OfferingListItem> Items,
    IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets)
{
    public const int MaxFacetValues = 12;

    /// <summary>How many values of a facet the lean answer shows (selected ones come on top): Land and Reifegrad keep all of theirs.</summary>
    public static int Keeps(string facet, int all) => facet is Search.Facets.Land or Search.Facets.Reifegrad ? all : MaxFacetValues;

    /// <summary>Whether the lean answer shows the value at <paramref name="v"/> of a facet's full list of <paramref name="count"/>, which is already in its order.</summary>
    public static bool Shows(string facet, int count, int v, bool selected) => v < Keeps(facet, count) || selected;

    public static SearchListResult From(SearchResult r)
    {
        var items = new OfferingListItem[r.Items.Count];
        for (var i = 0; i < items.Length; i++) items[i] = OfferingListItem.From(r.Items[i]);
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>(r.Facets.Count);
        foreach (var (facet, values) in r.Facets)
        {
            if (values.Count <= Keeps(facet, values.Count)) { facets[facet] = values; continue; }
            var top = new List<FacetValue>(MaxFacetValues);
            for (var v = 0; v < values.Count; v++)
                if (Shows(facet, values.Count, v, values[v].Selected)) top.Add(values[v]);
            facets[facet] = top;
        }
        return new SearchListResult(r.Revision, r.Total, r.Page, r.PageSize, r.Sort, items, facets);
    }
}

/// <summary>The views of the search answer: "card" (default, lean) and "full" (every field of every card).</summary>
public static class SearchViews
{
    public const string Card = "card";
    public const string Full = "full";
    public static readonly IReadOnlyList<string> All = [Card, Full];
}
