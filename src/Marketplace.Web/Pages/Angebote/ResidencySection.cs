using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Residency;
using Marketplace.Catalog.Search;
using Marketplace.Provisioning.Residency;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>What the "Wo liegen die Daten?" section shows: the declared residency, the evidence of certifications, and the fit to the viewer's policy.</summary>
public sealed record ResidencySection(HostingDescriptor Hosting, IReadOnlyList<ConformanceBadge> Conformance, CatalogReadModel Catalog, MunicipalityFit? Fit,
    SubProcessorStatus SubProcessors);

/// <summary>
/// What "_SubProcessors" shows, on the offering page and on a subscription's page: the sub-processors in force, the
/// announced changes with the day they take effect, and the history.
/// </summary>
public sealed record SubProcessorsView(SubProcessorStatus Status, CatalogReadModel Catalog, int? ObjectionPeriodDays);
