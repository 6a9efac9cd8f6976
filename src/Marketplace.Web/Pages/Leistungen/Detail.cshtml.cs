using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Community.Availability;
using Marketplace.Community.Reliability;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Leistungen;

/// <summary>
/// The competing offerings for one Leistung side by side (by OZG id or LeiKa key), with each one's promised SLA next to
/// its measured availability and its provisioning reliability.
/// </summary>
public sealed class DetailModel(CatalogSearchService search, CatalogViews views, AvailabilityFigures availability, ReliabilityService reliability,
    Marketplace.Catalog.Residency.ISubProcessorHistory history) : PageModel
{
    public LeistungComparison Comparison { get; private set; } = null!;
    public CatalogReadModel Catalog => search.Current.Catalog;
    public IReadOnlyDictionary<string, AvailabilityFacts> Availability { get; private set; } = new Dictionary<string, AvailabilityFacts>();
    public IReadOnlyDictionary<string, ReliabilityFacts> Reliability { get; private set; } = new Dictionary<string, ReliabilityFacts>();

    public async Task<IActionResult> OnGetAsync(string key, CancellationToken ct)
    {
        if (views.Compare(search.Current, key) is not { } comparison) return NotFound();
        // The sub-processors in force today, with announced changes beside them, as on the offering page.
        Comparison = comparison = await Marketplace.Catalog.Residency.SubProcessorsInForce.ApplyAsync(history, comparison, ct);
        var measured = new Dictionary<string, AvailabilityFacts>();
        var reliable = new Dictionary<string, ReliabilityFacts>();
        foreach (var row in comparison.Offerings)
        {
            measured[row.Offering.Id] = await availability.ForOfferingAsync(row.Offering.Id, ct);
            reliable[row.Offering.Id] = await reliability.ForOfferingAsync(row.Offering.Id, ct);
        }
        Availability = measured;
        Reliability = reliable;
        return Page();
    }
}
