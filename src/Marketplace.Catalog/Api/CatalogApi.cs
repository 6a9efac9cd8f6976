using System.Security.Cryptography;
using System.Text;
using Marketplace.Catalog.BackOffice;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Residency;
using Microsoft.Extensions.DependencyInjection;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Catalog.Api;

/// <summary>The public catalogue API: search with facets, an offering, the comparison of a Leistung.</summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags(ApiTags.Catalogue).AllowAnonymous();

        group.MapGet("/offerings", async Task<Results<SearchAnswer, RefusedHttpResult, StatusCodeHttpResult>> (HttpContext http, CatalogSearchService search, SearchResponseCache cache, IOfferingRatings ratings) =>
            {
                var parsed = SearchQueryParser.Parse(http.Request.Query);
                if (parsed.Errors.Count > 0)
                    return InvalidSearch(parsed.Errors);
                var index = search.Current;
                var snapshot = await ratings.CurrentAsync(http.RequestAborted);
                if (parsed.FitFilter.Count > 0)
                {
                    // Whether an offering fits depends on the viewer's municipality: searched for it alone, never cached or shared.
                    var viewer = http.RequestServices.GetService<IViewerBackOffice>();
                    if ((viewer is null ? null : await viewer.RecordedAsync(http.User, http.RequestAborted)) is not { } recorded)
                        return InvalidSearch([FieldError.Coded(BackOfficeSearch.Parameter, "search.fit-filter-municipalities-only",
                            "Der Filter nach Fachverfahren gilt nur für angemeldete Mitglieder einer Kommune.")]);
                    http.Response.Headers.CacheControl = "private, no-store";
                    return SearchResponseCache.AnswerForViewer(index, snapshot,
                        parsed.Request! with { OnlyOfferings = BackOfficeSearch.Matching(index.Catalog, recorded, parsed.FitFilter) }, parsed.View);
                }
                if (NotModified(http, index.Revision, parsed.CanonicalKey + "|ratings=" + snapshot.Version)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                return cache.Answer(index, snapshot, parsed.CanonicalKey, parsed.Request!, parsed.View);
            })
            .WithName("SearchOfferings")
            .WithSummary("Searches the conforming offerings: full text (German), facets with counts, filters, sort and paging.")
            .WithDescription("Each item carries what a result card shows; the full offering is at /api/v1/offerings/{id}. " +
                             "view=full answers every field of every card (the shape of SearchResult) and all facet values up to 50.")
            .ProducesValidationProblem();

        group.MapGet("/offerings/{id}", async Task<Results<Ok<OfferingDetail>, ProblemHttpResult, StatusCodeHttpResult>> (HttpContext http, string id, CatalogSearchService search, CatalogViews views, CatalogRepository repository) =>
            {
                var index = search.Current;
                var lifecycle = await repository.LifecycleAsync(id, http.RequestAborted);
                // A retired offering left the catalogue: it is gone, and the answer says so instead of "not found".
                if (lifecycle == OfferingLifecycles.Retired)
                    return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Angebot eingestellt",
                        detail: $"Das Angebot '{id}' ist eingestellt und kann nicht mehr bestellt werden.",
                        extensions: new Dictionary<string, object?> { ["lifecycle"] = lifecycle, ["orderable"] = false });
                if (views.Offering(index, id) is not { } detail)
                    return TypedResults.Problem(statusCode: 404, title: "Angebot nicht gefunden", detail: $"Es gibt kein Angebot '{id}'.");
                detail = await SubProcessorsInForce.ApplyAsync(http.RequestServices.GetService<ISubProcessorHistory>(),
                    CatalogViews.WithLifecycle(detail, lifecycle), http.RequestAborted);
                return NotModified(http, index.Revision, $"offering:{id}:{detail.Lifecycle}" + SubProcessorsInForce.Revision([detail.PendingSubProcessorChanges]))
                    ? TypedResults.StatusCode(304) : TypedResults.Ok(detail);
            })
            .WithName("GetOffering")
            .WithSummary("One offering with its plans, extras, standards, support and tenant configuration schema; 410 once retired.")
            .WithDescription("hosting.subProcessors names the sub-processors in force today; announced changes still within their objection period are in pendingSubProcessorChanges, each with the day it takes effect.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapGet("/leistungen", Results<Ok<IReadOnlyList<LeistungSummary>>, StatusCodeHttpResult> (HttpContext http, CatalogSearchService search, CatalogViews views) =>
            {
                var index = search.Current;
                return NotModified(http, index.Revision, "leistungen") ? TypedResults.StatusCode(304) : TypedResults.Ok(views.Leistungen(index));
            })
            .WithName("ListLeistungen")
            .WithSummary("The OZG-Leistungen of the catalogue with the number of offerings for each.");

        group.MapGet("/leistungen/{key}", async Task<Results<Ok<LeistungComparison>, ProblemHttpResult, StatusCodeHttpResult>> (HttpContext http, string key, CatalogSearchService search, CatalogViews views) =>
            {
                var index = search.Current;
                if (views.Compare(index, key) is not { } comparison)
                    return TypedResults.Problem(statusCode: 404, title: "Leistung nicht gefunden",
                        detail: $"'{key}' ist weder eine OZG-ID noch ein LeiKa-Leistungsschlüssel im Katalog.");
                comparison = await SubProcessorsInForce.ApplyAsync(http.RequestServices.GetService<ISubProcessorHistory>(), comparison, http.RequestAborted);
                return NotModified(http, index.Revision, "leistung:" + comparison.Leistung.OzgId
                    + SubProcessorsInForce.Revision(comparison.Offerings.Select(o => o.PendingSubProcessorChanges))) ? TypedResults.StatusCode(304) : TypedResults.Ok(comparison);
            })
            .WithName("CompareLeistung")
            .WithSummary("One OZG-Leistung (by OZG id or LeiKa key) with all competing offerings side by side.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/vendors/{vendorId}/logo", async Task<Results<ContentHttpResult, ProblemHttpResult, StatusCodeHttpResult>> (HttpContext http, string vendorId, CatalogRepository repository) =>
            {
                if (await repository.VendorLogoAsync(vendorId, http.RequestAborted) is not { } logo)
                    return TypedResults.Problem(statusCode: 404, title: "Anbieter nicht gefunden", detail: $"Es gibt keinen Anbieter '{vendorId}'.");
                var etag = $"\"{logo.ContentHash[..16]}\"";
                http.Response.Headers.ETag = etag;
                http.Response.Headers.CacheControl = "public, max-age=3600";
                // Served as an image that can do nothing: no script, no fetch, even if opened on its own.
                http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
                if (http.Request.Headers.IfNoneMatch.ToString().Split(',').Select(t => t.Trim()).Contains(etag)) return TypedResults.StatusCode(304);
                // The descriptor's logo was checked at import (VendorLogo); without one, a monogram of the short name.
                return TypedResults.Text(logo.Logo ?? VendorLogo.Monogram(logo.ShortName), "image/svg+xml; charset=utf-8");
            })
            .WithName("GetVendorLogo")
            .WithSummary("A vendor's logo as SVG (from its descriptor; a monogram of its short name if it declares none).")
            // The body is SVG text, which no result type declares.
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>A 400 validation problem naming the search parameters at fault, worded in the request's language.</summary>
    private static RefusedHttpResult InvalidSearch(IReadOnlyList<FieldError> errors) => CodedProblems.Refused(new RequestValidationException(errors));

    /// <summary>
    /// A catalogue read is a pure function of the catalogue revision and the request, so the ETag is derived from
    /// both and a matching If-None-Match is answered before any work is done.
    /// </summary>
    private static bool NotModified(HttpContext http, long revision, string key)
    {
        // The first 8 bytes of the key's SHA-256 in hex, without the intermediate arrays (every search computes one).
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetMaxByteCount(key.Length) <= 1024 ? stackalloc byte[1024] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(key, bytes)], digest);
        var etag = $"\"r{revision}-{Convert.ToHexStringLower(digest[..8])}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=0, must-revalidate";
        var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
        return ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Select(t => t.Trim().Replace("W/", "")).Contains(etag);
    }
}
