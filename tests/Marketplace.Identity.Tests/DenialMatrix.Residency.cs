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
        // Sub-processors of a subscription: only who reads München's subscriptions finds one; no such subscription is 404 for all.
        new("GET", "/api/v1/municipalities/{ags}/subscriptions/{id}/sub-processors",
            "/api/v1/municipalities/09162000/subscriptions/no-such-subscription/sub-processors", null, NotFound, []),
        // Objecting is München's own buyer-admin's decision: it gets through to validation (no subscription: 400), Köln is told
        // nothing, the viewer, the delegate, vendors and the platform may not.
        new("POST", "/api/v1/municipalities/{ags}/sub-processor-objections", "/api/v1/municipalities/09162000/sub-processor-objections",
            () => new { offeringId = "no-such-offering", version = 2, reason = "Matrix" }, Forbidden, Map(([MuenchenAdmin], BadRequest), ([KoelnAdmin], NotFound))),
        // Withdrawing is München's own buyer-admin's too: it gets through to the lookup (no such objection of München: 404),
        // Köln is told nothing, the viewer, the delegate, vendors and the platform may not.
        new("DELETE", "/api/v1/municipalities/{ags}/sub-processor-objections/{objectionId}",
            "/api/v1/municipalities/09162000/sub-processor-objections/no-such-objection", null, Forbidden, Map(([MuenchenAdmin, KoelnAdmin], NotFound))),
        // Objections to an offering are its vendor's (and the platform's) to read.
        new("GET", "/api/v1/vendors/{vendorId}/offerings/{offeringId}/sub-processor-objections",
            "/api/v1/vendors/havelsoft/offerings/gutachterausschuss-havelsoft/sub-processor-objections", null, NotFound,
            Map(([HavelsoftAdmin, Auditor, PlatformAdmin], Ok))),
    ];
}
