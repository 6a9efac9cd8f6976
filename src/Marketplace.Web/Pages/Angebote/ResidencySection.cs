using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Residency;
using Marketplace.Catalog.Search;
using Marketplace.Provisioning.Residency;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>What the "Wo liegen die Daten?" section shows: the declared residency, the evidence of certifications, and the fit to the viewer's policy.</summary>
public sealed record ResidencySection(HostingDescriptor Hosting, IReadOnlyList<ConformanceBadge> Conformance, CatalogReadModel Catalog, MunicipalityFit? Fit,
    IReadOnlyList<Marketplace.Conformance.Lifecycle.SubProcessorChange> History);
