using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Leistungen;

/// <summary>All OZG-Leistungen of the catalogue, by Themenfeld, with how many offerings compete for each.</summary>
public sealed class IndexModel(CatalogSearchService search, CatalogViews views) : PageModel
{
    public sealed record Group(string Key, string Name, IReadOnlyList<LeistungSummary> Leistungen);

    public IReadOnlyList<Group> Groups { get; private set; } = [];

    public void OnGet()
    {
        var index = search.Current;
        Groups = views.Leistungen(index)
            .GroupBy(l => l.ThemenfeldId)
            .Select(g => new Group(g.Key, Format.Name(index.Catalog.Themenfelder[g.Key].Name, index.Catalog.Themenfelder[g.Key].NameEn), g.ToList()))
            .OrderBy(g => g.Name, StringComparer.CurrentCulture)
            .ToList();
    }
}
