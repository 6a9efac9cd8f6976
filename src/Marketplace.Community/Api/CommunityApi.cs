using System.Security.Claims;
using Marketplace.Community.Ratings;
using Marketplace.Community.Recommendations;
using Marketplace.Community.Availability;
using Marketplace.Community.Reliability;
using Marketplace.Community.Requests;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Community.Api;

/// <summary>
/// The community API under /api/v1: ratings, feature requests, recommendations and reliability facts of published
/// offerings (readable by anyone, like the catalogue); writes by those who may order for the municipality (its
/// buyer-admin or a delegate with the order right), answers by the offering's vendor. Another tenant's resource is 404.
/// </summary>
public static class CommunityApi
{
    public sealed record RatingRequest(int? Stars, string? Comment);
    public sealed record NewRequest(string? Ags, string? Title, string? Text);
    public sealed record AnswerRequest(string? Status, string? Answer);

    public static void MapCommunityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Community);

        api.MapGet("/offerings/{id}/ratings", Ratings).AllowAnonymous()
            .WithSummary("Average, count and one page of the municipalities' ratings of a published offering, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/offerings/{id}/ratings/{ags}", Rate).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Rates the offering for the municipality (1–5 stars, optional comment); replaces its earlier rating. " +
                         "Only municipalities with an active or past subscription")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/offerings/{id}/requests", RequestsOfOffering).AllowAnonymous()
            .WithSummary("The feature requests for a published offering, most supported first, with status and the vendor's answer")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/offerings/{id}/requests", Submit).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Submits a feature request to the vendor for the municipality (ags; a municipality's own users may leave it out)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/requests/{requestId}", Request).AllowAnonymous()
            .WithSummary("One feature request of a published offering").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/requests/{requestId}/supporters/{ags}", Support).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("The municipality supports the request (once; again changes nothing)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/requests/{requestId}/supporters/{ags}", Withdraw).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("The municipality withdraws its support").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/requests/{requestId}/answer", Answer).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("The vendor answers and sets the status (open, planned, implemented, declined); another vendor's request is 404")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/vendors/{vendorId}/requests", RequestsOfVendor).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The feature requests for the vendor's offerings, open ones first (its users, auditors, platform admins)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/offerings/{id}/recommendations", Recommendations).AllowAnonymous()
            .WithSummary($"Offerings other municipalities hold together with this one, each backed by at least {RecommendationService.MinimumMunicipalities} municipalities")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/offerings/{id}/reliability", Reliability).AllowAnonymous()
            .WithSummary("Provisioning success rate and median time from request to active, from the platform's subscription timelines")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/offerings/{id}/availability", Availability).AllowAnonymous()
            .WithSummary("Promised SLA, availability measured from the offering's status URL over 30 and 90 days, the last probe, months below the promise, and the provisioning reliability")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The availability API's answer: measured availability next to the promise and the provisioning reliability.</summary>
    public sealed record AvailabilityView(AvailabilityFacts Availability, ReliabilityFacts Reliability);

    private static async Task<Ok<RatingsView>> Ratings(string id, int? page, int? pageSize, RatingService ratings, CancellationToken ct) =>
        TypedResults.Ok(await ratings.ListAsync(id, page ?? 1, pageSize ?? 20, ct));

    private static async Task<Ok<Rating>> Rate(string id, string ags, RatingRequest body, ClaimsPrincipal user, CommunityAccess access, RatingService ratings,
        CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, ct) is { } refused) throw refused;
        if (body.Stars is not { } stars) throw RequestValidationException.Coded("stars", "rating.stars", "Bewertung von 1 bis 5 Sternen.");
        return TypedResults.Ok(await ratings.RateAsync(Actor.Of(user), ags, id, stars, body.Comment, ct));
    }

    private static async Task<Ok<IReadOnlyList<FeatureRequest>>> RequestsOfOffering(string id, FeatureRequestService requests, CancellationToken ct) =>
        TypedResults.Ok(await requests.ForOfferingAsync(id, 100, ct));

    private static async Task<Created<FeatureRequest>> Submit(string id, NewRequest body, ClaimsPrincipal user, CommunityAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        var ags = string.IsNullOrWhiteSpace(body.Ags) ? user.AgsOf() : body.Ags;
        if (ags is null) throw RequestValidationException.Coded("ags", "request.ags-missing", "Kommune (AGS) angeben, für die Sie den Wunsch äußern.");
        if (await access.RefusalAsync(user, ags, ct) is { } refused) throw refused;
        var created = await requests.SubmitAsync(Actor.Of(user), ags, id, body.Title, body.Text, ct);
        return TypedResults.Created($"/api/v1/requests/{created.Id}", created);
    }

    private static async Task<Ok<FeatureRequest>> Request(string requestId, FeatureRequestService requests, CancellationToken ct) =>
        TypedResults.Ok(await requests.GetAsync(requestId, ct));

    private static async Task<Ok<FeatureRequest>> Support(string requestId, string ags, ClaimsPrincipal user, CommunityAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, ct) is { } refused) throw refused;
        return TypedResults.Ok(await requests.SupportAsync(Actor.Of(user), ags, requestId, ct));
    }

    private static async Task<Ok<FeatureRequest>> Withdraw(string requestId, string ags, ClaimsPrincipal user, CommunityAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, ct) is { } refused) throw refused;
        return TypedResults.Ok(await requests.WithdrawSupportAsync(Actor.Of(user), ags, requestId, ct));
    }

    private static async Task<Ok<FeatureRequest>> Answer(string requestId, AnswerRequest body, ClaimsPrincipal user, FeatureRequestService requests, CancellationToken ct)
    {
        if (TenantAccess.VendorOf(user) is not { } vendorId || !TenantAccess.EditsForVendor(user, vendorId))
            throw new NotFoundException("feature request", requestId);
        return TypedResults.Ok(await requests.AnswerAsync(Actor.Of(user), vendorId, requestId, body.Status, body.Answer, ct));
    }

    private static async Task<Ok<IReadOnlyList<FeatureRequest>>> RequestsOfVendor(string vendorId, ClaimsPrincipal user, FeatureRequestService requests, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user)
            ? TypedResults.Ok(await requests.ForVendorAsync(vendorId, 500, ct))
            : throw new NotFoundException("vendor", vendorId);

    private static async Task<Ok<IReadOnlyList<Recommendation>>> Recommendations(string id, RecommendationService recommendations, CancellationToken ct) =>
        TypedResults.Ok(await recommendations.ForOfferingAsync(id, 5, ct));

    private static async Task<Ok<ReliabilityFacts>> Reliability(string id, ReliabilityService reliability, CancellationToken ct) =>
        TypedResults.Ok(await reliability.ForOfferingAsync(id, ct));

    private static async Task<Ok<AvailabilityView>> Availability(string id, AvailabilityFigures availability, ReliabilityService reliability, CancellationToken ct) =>
        TypedResults.Ok(new AvailabilityView(await availability.ForOfferingAsync(id, ct), await reliability.ForOfferingAsync(id, ct)));
}
