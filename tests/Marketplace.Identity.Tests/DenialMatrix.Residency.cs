using Marketplace.Provisioning.Residency;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    private const string BundlerRecommendation = $"/api/v1/bundlers/{DemoSeeder.Bundler}/data-policy-recommendation";

    /// <summary>
    /// Rows for data policies: a municipality's members and delegates read it, only its own buyer-admin writes (with no rule
    /// set, so the shared host's ordering is unchanged); a bundler's recommendation is its own.
    /// </summary>
    private static Row[] ResidencyRows =>
    [
        new("GET", "/api/v1/municipalities/{ags}/data-policy", "/api/v1/municipalities/09162000/data-policy", null, NotFound,
            Map(([MuenchenAdmin, MuenchenViewer, BundlerAdmin, Auditor, PlatformAdmin], Ok))),
        new("PUT", "/api/v1/municipalities/{ags}/data-policy", "/api/v1/municipalities/09162000/data-policy",
            () => new { onlyGermany = false }, Forbidden, Map(([MuenchenAdmin], Ok), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/bundlers/{organisationId}/data-policy-recommendation", BundlerRecommendation, null, NotFound,
            Map(([BundlerAdmin, Auditor, PlatformAdmin], Ok)),
            async (host, url) =>
            {
                await host.Services.GetRequiredService<DataPolicies>().RecommendAsync(DemoSeeder.Bundler, Catalog.Residency.DataPolicy.None, "matrix");
                return url;
            }),
        new("PUT", "/api/v1/bundlers/{organisationId}/data-policy-recommendation", BundlerRecommendation,
            () => new { onlyGermany = false }, Forbidden, Map(([BundlerAdmin], Ok))),
    ];
}
