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

    public static readonly IReadOnlyList<string> All = [Orderable, Themenfeld, Lebenslage, Leistung, Vendor, Standard, Conformance, Reifegrad, Land, PriceModel];

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

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

public sealed record SearchResult(
    long Revision, int Total, int Page, int PageSize, string Sort, IReadOnlyList<OfferingCard> Items,
    IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets);
