using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Leistungen;

/// <summary>The competing offerings for one Leistung side by side (by OZG id or LeiKa key).</summary>
public sealed class DetailModel(CatalogSearchService search, CatalogViews views) : PageModel
{
    public LeistungComparison Comparison { get; private set; } = null!;
    public CatalogReadModel Catalog => search.Current.Catalog;

    public IActionResult OnGet(string key)
    {
        if (views.Compare(search.Current, key) is not { } comparison) return NotFound();
        Comparison = comparison;
        return Page();
    }
}
