using System.Text.Json.Nodes;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Community;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>One offering: description, Leistungen, plans with their extras, the configuration a municipality will enter, facts.</summary>
public sealed class DetailModel(CatalogSearchService search, CatalogViews views, CatalogRepository repository, OfferingCommunity community,
    TenantAccess access, Marketplace.Provisioning.Residency.DataPolicies policies,
    Marketplace.Catalog.Residency.ISubProcessorHistory history, Marketplace.Community.Availability.AvailabilityFigures availability,
    Marketplace.Provisioning.BackOffice.MunicipalityFachverfahren fachverfahren) : PageModel
{
    public OfferingDetail Offering { get; private set; } = null!;
    /// <summary>Ratings, requests, recommendations and reliability facts, for the municipalities the viewer may order for.</summary>
    public OfferingCommunityView Community { get; private set; } = null!;
    /// <summary>The promised SLA and the availability measured from the offering's status URL.</summary>
    public Marketplace.Community.Availability.AvailabilityFacts Availability { get; private set; } = null!;
    public IReadOnlyList<ConfigField> ConfigFields { get; private set; } = [];
    /// <summary>Where the data lives, who processes it, and how it stands against the viewer's data policy.</summary>
    public ResidencySection Residency { get; private set; } = null!;
    /// <summary>How the offering delivers to Fachverfahren, and its fit to the viewer's municipality.</summary>
    public BackOfficeSection? BackOffice { get; private set; }

    public sealed record ConfigField(string Title, string? Description, bool Required, bool Secret);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (views.Offering(search.Current, id) is not { } offering) return NotFound();
        Offering = offering = CatalogViews.WithLifecycle(offering, await repository.LifecycleAsync(id, ct));
        var required = (offering.TenantConfigSchema["required"] as JsonArray)?.Select(n => n?.GetValue<string>()).ToHashSet() ?? [];
        ConfigFields = (offering.TenantConfigSchema["properties"] as JsonObject ?? [])
            .Select(p => new ConfigField(
                p.Value?["title"]?.GetValue<string>() ?? p.Key,
                p.Value?["description"]?.GetValue<string>(),
                required.Contains(p.Key),
                p.Value?["writeOnly"]?.GetValue<bool>() == true || p.Value?["x-secret"]?.GetValue<bool>() == true))
            .ToList();
        var actingFor = User.Identity?.IsAuthenticated == true ? await access.MunicipalitiesAsync(User, MunicipalityPermission.Order, ct) : [];
        Community = await community.ForOfferingAsync(id, actingFor, ct);
        Availability = await availability.ForOfferingAsync(id, ct);
        Residency = new ResidencySection(offering.Hosting, offering.Conformance, search.Current.Catalog,
            await policies.FitForViewerAsync(User, offering.Hosting, ct), await history.ForOfferingAsync(id, ct));
        if (search.Current.Catalog.Offering(id)?.Descriptor is { } descriptor)
        {
            var ags = Marketplace.Provisioning.BackOffice.MunicipalityFachverfahren.ViewerAgs(User);
            BackOffice = new BackOfficeSection(descriptor, search.Current.Catalog.BackOffice,
                ags is null ? null : await fachverfahren.FitAsync(ags, descriptor, null, ct), ags is not null);
        }
        return Page();
    }
}
