using System.Security.Claims;
using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.BackOffice;

/// <summary>
/// The Fachverfahren a signed-in viewer's municipality runs, for the search filter "passt zu meinen Fachverfahren"; the
/// provisioning module keeps them. Null for a viewer who does not act for one municipality (a vendor, a bundler, anonymous).
/// </summary>
public interface IViewerBackOffice
{
    Task<IReadOnlyList<RecordedProduct>?> RecordedAsync(ClaimsPrincipal user, CancellationToken ct = default);
}

/// <summary>The search filter by back-office fit: parameter "fachverfahren" with the statuses wanted (fits, adapter, none).</summary>
public static class BackOfficeSearch
{
    public const string Parameter = "fachverfahren";

    /// <summary>The offerings whose fit to <paramref name="recorded"/> is one of <paramref name="statuses"/>.</summary>
    public static IReadOnlySet<string> Matching(CatalogReadModel catalog, IReadOnlyList<RecordedProduct> recorded, IReadOnlyCollection<string> statuses) =>
        catalog.Offerings.Where(o => BackOfficeFit.Evaluate(o.Descriptor, catalog.BackOffice, recorded) is { } fit && statuses.Contains(fit.Status))
            .Select(o => o.Descriptor.Id).ToHashSet(StringComparer.Ordinal);
}
