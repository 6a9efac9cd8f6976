using Marketplace.Catalog.Api;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.Notifications.SavedSearches;

/// <summary>A catalogue search given as a query string (as /angebote and /api/v1/offerings take it), run for all its matches, not one page.</summary>
public static class CatalogQuery
{
    /// <summary>The search a query string asks for, ignoring paging; errors per parameter as the catalogue API reports them.</summary>
    public static ParsedSearchQuery Parse(string? queryString)
    {
        var parsed = QueryHelpers.ParseQuery(queryString ?? "");
        parsed.Remove("page");
        parsed.Remove("pageSize");
        return SearchQueryParser.Parse(new QueryCollection(parsed));
    }

    /// <summary>The same search written back as a query string: q and facets in a fixed order (no sort, no paging).</summary>
    public static string Normalised(SearchRequest request)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(request.Q)) parts.Add("q=" + Uri.EscapeDataString(request.Q));
        foreach (var (facet, values) in request.Filters.OrderBy(f => f.Key, StringComparer.Ordinal))
            parts.Add(facet + "=" + Uri.EscapeDataString(string.Join(",", values)));
        return string.Join("&", parts);
    }

    /// <summary>Every offering the search matches, in its order, page by page through the index.</summary>
    public static IReadOnlyList<OfferingCard> AllMatches(CatalogSearchIndex index, SearchRequest request)
    {
        var cards = new List<OfferingCard>();
        for (var page = 1; ; page++)
        {
            var result = index.Search(request with { Page = page, PageSize = SearchRequest.MaxPageSize });
            cards.AddRange(result.Items);
            if (result.Items.Count < SearchRequest.MaxPageSize || cards.Count >= result.Total) return cards;
        }
    }
}
