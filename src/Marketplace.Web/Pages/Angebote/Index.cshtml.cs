using Marketplace.Catalog.Api;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>Search results with facet filters; a plain GET form, so it works without JavaScript and can be bookmarked.</summary>
public sealed class IndexModel(CatalogSearchService search, IOfferingRatings ratings, IStringLocalizer<SharedResource> l,
    Marketplace.Provisioning.Residency.DataPolicies policies, Marketplace.Catalog.BackOffice.IViewerBackOffice backOffice) : PageModel
{
    public string? Q { get; private set; }
    public SearchResult? Result { get; private set; }
    public List<FieldError> Errors { get; private set; } = [];
    public int PageCount => Result is null ? 0 : Math.Max(1, (Result.Total + Result.PageSize - 1) / Result.PageSize);
    /// <summary>Offerings on this page that do not fit the signed-in municipality's data policy, with the reasons.</summary>
    public Dictionary<string, List<string>> Misfits { get; } = [];
    /// <summary>The fit of the offerings on this page to the signed-in municipality's Fachverfahren (where it has something to say).</summary>
    public Dictionary<string, Marketplace.Catalog.BackOffice.BackOfficeFitResult> Fits { get; } = [];
    /// <summary>The signed-in viewer's municipality has recorded Fachverfahren: the filter by fit applies.</summary>
    public bool CanFilterByFit { get; private set; }
    public IReadOnlyList<string> FitFilter { get; private set; } = [];
    public string ApiUrl => "/api/v1/offerings" + Request.QueryString;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Q = Request.Query["q"].ToString();
        var parsed = SearchQueryParser.Parse(Request.Query);
        Errors = [.. parsed.Errors];
        FitFilter = parsed.FitFilter;
        var catalog = search.Current.Catalog;
        var recorded = await backOffice.RecordedAsync(User, ct);
        CanFilterByFit = recorded is { Count: > 0 };
        if (FitFilter.Count > 0 && recorded is null)
            Errors.Add(FieldError.Coded(Marketplace.Catalog.BackOffice.BackOfficeSearch.Parameter, "search.fit-filter-municipalities-only", l["BackOffice.FilterOnlyMunicipalities"]));
        else if (parsed.Request is not null)
            Result = search.Current.Search(FitFilter.Count == 0 ? parsed.Request
                : parsed.Request with { OnlyOfferings = Marketplace.Catalog.BackOffice.BackOfficeSearch.Matching(catalog, recorded!, FitFilter) },
                await ratings.CurrentAsync(ct));
        if (Result is not null && recorded is { Count: > 0 })
            foreach (var card in Result.Items)
                if (catalog.Offering(card.Id) is { } o && Marketplace.Catalog.BackOffice.BackOfficeFit.Evaluate(o.Descriptor, catalog.BackOffice, recorded) is { } fit)
                    Fits[card.Id] = fit;
        if (Result is not null && await policies.ViewerPolicyAsync(User, ct) is { } policy)
            foreach (var card in Result.Items)
                if (search.Current.Catalog.Offering(card.Id) is { } o
                    && Marketplace.Catalog.Residency.DataPolicyFit.Evaluate(o.Descriptor.Hosting, policy.Rules, policy.Land) is { Fits: false } fit)
                    Misfits[card.Id] = fit.Violations.Select(v => ResidencyText.Violation(l, search.Current.Catalog, v)).ToList();
        if (Errors.Count > 0) Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    public string PageUrl(int page)
    {
        var query = Request.Query.Where(kv => kv.Key != "page")
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"page={page}");
        return "/angebote?" + string.Join("&", query);
    }

    public string FacetLabel(string facet, FacetValue value) => facet switch
    {
        Facets.PriceModel => l["PriceModel." + value.Value],
        Facets.Reifegrad => l["Offering.ReifegradValue", value.Value],
        Facets.Orderable => l["Orderable." + value.Value],
        Facets.OperatorKind => l["OperatorKind." + value.Value],
        Facets.ThirdCountryAccess => l["ThirdCountryAccess." + value.Value],
        Facets.DataCountry => ResidencyText.Country(l, value.Value),
        Facets.DataLand => ResidencyText.Land(search.Current.Catalog, value.Value),
        _ => value.Label,
    };
}
