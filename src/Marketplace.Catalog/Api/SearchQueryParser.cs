using System.Text;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Catalog.Api;

/// <summary>The search request read from a query string, or the errors per parameter (coded, worded in the reader's language).</summary>
public sealed record ParsedSearchQuery(SearchRequest? Request, IReadOnlyList<FieldError> Errors, string CanonicalKey, string View = SearchViews.Card)
{
    /// <summary>The back-office fit statuses asked for ("fachverfahren=fits,adapter"); empty: no such filter. Depends on the viewer.</summary>
    public IReadOnlyList<string> FitFilter { get; init; } = [];
}

/// <summary>
/// Reads and checks the query string of a catalogue search. Unknown parameters are errors too, so a typo
/// ("lnad=BY") is reported instead of silently returning everything.
/// </summary>
public static class SearchQueryParser
{
    private static readonly string[] FacetsInKeyOrder = [.. Facets.All.Order(StringComparer.Ordinal)];
    private static readonly HashSet<string> Known = ["q", "sort", "page", "pageSize", "view", BackOffice.BackOfficeSearch.Parameter, .. Facets.All];

    public static ParsedSearchQuery Parse(IQueryCollection query)
    {
        // One error per parameter, the last found winning (a too long q is worth more than a repeated one).
        var errors = new Dictionary<string, FieldError>();
        foreach (var key in query.Keys)
            if (!Known.Contains(key)) errors[key] = FieldError.Coded(key, "search.unknown-parameter", $"Unbekannter Parameter „{key}“. Erlaubt sind: {string.Join(", ", Known)}.", key, string.Join(", ", Known));

        var q = query["q"].ToString().Trim();
        if (query["q"].Count > 1) errors["q"] = FieldError.Coded("q", "search.one-query", "Nur ein Suchbegriff 'q' ist erlaubt.");
        if (q.Length > SearchRequest.MaxQueryLength) errors["q"] = FieldError.TooLong("q", SearchRequest.MaxQueryLength);

        string? sort = null;
        if (query.TryGetValue("sort", out var sortValue))
        {
            sort = sortValue.ToString();
            if (!SortOrders.All.Contains(sort))
                errors["sort"] = FieldError.Coded("sort", "search.unknown-sort", $"Sortierung '{sort}' ist unbekannt. Erlaubt: {string.Join(", ", SortOrders.All)}.", sort, string.Join(", ", SortOrders.All));
        }
        var view = SearchViews.Card;
        if (query.TryGetValue("view", out var viewValue))
        {
            view = viewValue.ToString();
            if (!SearchViews.All.Contains(view))
                errors["view"] = FieldError.Coded("view", "search.unknown-view", $"Ansicht '{view}' ist unbekannt. Erlaubt: {string.Join(", ", SearchViews.All)}.", view, string.Join(", ", SearchViews.All));
        }
        var page = Int(query, "page", 1, 1, 100_000, errors);
        var pageSize = Int(query, "pageSize", 20, 1, SearchRequest.MaxPageSize, errors);

        var filters = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var facet in Facets.All)
        {
            if (!query.TryGetValue(facet, out var raw)) continue;
            var values = raw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            var bad = facet switch
            {
                Facets.Reifegrad => values.Where(v => v is not ("0" or "1" or "2" or "3" or "4")).ToList(),
                Facets.Land => values.Where(v => v.Length != 2 || !v.All(char.IsAsciiLetterUpper)).ToList(),
                Facets.PriceModel => values.Where(v => !OfferingPricing.Models.Contains(v)).ToList(),
                Facets.Orderable => values.Where(v => v is not ("true" or "false")).ToList(),
                Facets.OperatorKind => values.Where(v => !Residency.OperatorKinds.All.Contains(v)).ToList(),
                Facets.ThirdCountryAccess => values.Where(v => !Residency.ThirdCountryAccessLevels.All.Contains(v)).ToList(),
                Facets.DataCountry or Facets.DataLand => values.Where(v => v.Length != 2 || !v.All(char.IsAsciiLetterUpper)).ToList(),
                _ => values.Where(v => v.Length > 100).ToList(),
            };
            if (bad.Count > 0) errors[facet] = FieldError.Coded(facet, "search.invalid-values", $"Ungültige Werte für „{facet}“: {string.Join(", ", bad)}.", facet, string.Join(", ", bad));
            else if (values.Count > 0) filters[facet] = values;
        }

        List<string> fit = !query.TryGetValue(BackOffice.BackOfficeSearch.Parameter, out var fitRaw) ? [] : fitRaw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (fit.Where(v => !BackOffice.FitStatuses.All.Contains(v)).ToList() is { Count: > 0 } badFit)
            errors[BackOffice.BackOfficeSearch.Parameter] = FieldError.Coded(BackOffice.BackOfficeSearch.Parameter, "search.invalid-values-allowed",
                $"Ungültige Werte für „{BackOffice.BackOfficeSearch.Parameter}“: {string.Join(", ", badFit)}. Erlaubt: {string.Join(", ", BackOffice.FitStatuses.All)}.",
                BackOffice.BackOfficeSearch.Parameter, string.Join(", ", badFit), string.Join(", ", BackOffice.FitStatuses.All));

        // Every search computes this (the ETag and the answer cache's key): one builder, the facets in their key order.
        var canonicalKey = new StringBuilder(64).Append("q=").Append(q.ToLowerInvariant()).Append("&sort=").Append(sort).Append("&page=").Append(page)
            .Append("&pageSize=").Append(pageSize).Append("&view=").Append(view);
        foreach (var facet in FacetsInKeyOrder)
            if (filters.TryGetValue(facet, out var values)) canonicalKey.Append('&').Append(facet).Append('=').AppendJoin(',', values);
        var canonical = canonicalKey.ToString();
        return errors.Count > 0
            ? new ParsedSearchQuery(null, errors.Values.ToList(), canonical, view) { FitFilter = fit }
            : new ParsedSearchQuery(new SearchRequest(q.Length == 0 ? null : q, filters, sort, page, pageSize), [], canonical, view) { FitFilter = fit };
    }

    private static int Int(IQueryCollection query, string name, int fallback, int min, int max, Dictionary<string, FieldError> errors)
    {
        if (!query.TryGetValue(name, out var raw)) return fallback;
        if (int.TryParse(raw.ToString(), out var value) && value >= min && value <= max) return value;
        errors[name] = FieldError.Coded(name, "whole-number", $"„{name}“ muss eine ganze Zahl von {min} bis {max} sein.", name, min, max);
        return fallback;
    }
}
