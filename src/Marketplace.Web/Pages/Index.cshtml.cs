using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages;

/// <summary>Home: search box, life events, Themenfelder with their offering counts.</summary>
public sealed class IndexModel(CatalogSearchService search) : PageModel
{
    public IReadOnlyList<BundleDescriptor> Bundles { get; private set; } = [];
    public IReadOnlyList<FacetValue> Themenfelder { get; private set; } = [];
    public int OfferingCount { get; private set; }

    public void OnGet()
    {
        var index = search.Current;
        Bundles = index.Catalog.Bundles;
        var all = index.Search(new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>>(), null, 1, 1));
        Themenfelder = all.Facets[Facets.Themenfeld];
        OfferingCount = all.Total;
    }
}
