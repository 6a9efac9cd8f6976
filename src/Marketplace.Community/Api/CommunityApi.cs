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
            .Produces<RatingsView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/offerings/{id}/ratings/{ags}", Rate).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Rates the offering for the municipality (1–5 stars, optional comment); replaces its earlier rating. " +
                         "Only municipalities with an active or past subscription")
            .Produces<Rating>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/offerings/{id}/requests", RequestsOfOffering).AllowAnonymous()
            .WithSummary("The feature requests for a published offering, most supported first, with status and the vendor's answer")
            .Produces<IReadOnlyList<FeatureRequest>>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/offerings/{id}/requests", Submit).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("Submits a feature request to the vendor for the municipality (ags; a municipality's own users may leave it out)")
            .Produces<FeatureRequest>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/requests/{requestId}", Request).AllowAnonymous()
            .WithSummary("One feature request of a published offering").Produces<FeatureRequest>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/requests/{requestId}/supporters/{ags}", Support).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("The municipality supports the request (once; again changes nothing)")
            .Produces<FeatureRequest>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/requests/{requestId}/supporters/{ags}", Withdraw).RequireAuthorization(Policies.ActsForMunicipality)
            .WithSummary("The municipality withdraws its support").Produces<FeatureRequest>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/requests/{requestId}/answer", Answer).RequireAuthorization(Policies.VendorEditor)
            .WithSummary("The vendor answers and sets the status (open, planned, implemented, declined); another vendor's request is 404")
            .Produces<FeatureRequest>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/vendors/{vendorId}/requests", RequestsOfVendor).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The feature requests for the vendor's offerings, open ones first (its users, auditors, platform admins)")
            .Produces<IReadOnlyList<FeatureRequest>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/offerings/{id}/recommendations", Recommendations).AllowAnonymous()
            .WithSummary($"Offerings other municipalities hold together with this one, each backed by at least {RecommendationService.MinimumMunicipalities} municipalities")
            .Produces<IReadOnlyList<Recommendation>>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/offerings/{id}/reliability", Reliability).AllowAnonymous()
            .WithSummary("Provisioning success rate and median time from request to active, from the platform's subscription timelines")
            .Produces<ReliabilityFacts>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/offerings/{id}/availability", Availability).AllowAnonymous()
            .WithSummary("Promised SLA, availability measured from the offering's status URL over 30 and 90 days, the last probe, months below the promise, and the provisioning reliability")
            .Produces<AvailabilityView>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The availability API's answer: measured availability next to the promise and the provisioning reliability.</summary>
    public sealed record AvailabilityView(AvailabilityFacts Availability, ReliabilityFacts Reliability);

    /// <summary>
    /// Null when the principal may order for the municipality, which is what rating and requesting need; otherwise the
    /// refusal: another tenant's municipality is not found, a reader of its own (buyer-viewer, a delegate without the
    /// order right) is forbidden.
    /// </summary>
    public static async Task<RefusalException?> RefusalAsync(TenantAccess access, ClaimsPrincipal user, string ags, CancellationToken ct)
    {
        var granted = await access.PermissionsForMunicipalityAsync(user, ags, ct);
        if (granted == MunicipalityPermission.None) return new NotFoundException($"Keine Kommune „{ags}“.");
        return (granted & MunicipalityPermission.Order) == 0
            ? new ForbiddenException("Nur wer für die Kommune bestellen darf, kann bewerten und Wünsche äußern.") { Code = "community.order-permission" } : null;
    }

    private static async Task<IResult> Ratings(string id, int? page, int? pageSize, RatingService ratings, CancellationToken ct) =>
        Results.Ok(await ratings.ListAsync(id, page ?? 1, pageSize ?? 20, ct));

    private static async Task<IResult> Rate(string id, string ags, RatingRequest body, ClaimsPrincipal user, TenantAccess access, RatingService ratings,
        CancellationToken ct)
    {
        if (await RefusalAsync(access, user, ags, ct) is { } refused) throw refused;
        if (body.Stars is not { } stars) throw RequestValidationException.For("stars", "Bewertung von 1 bis 5 Sternen.");
        return Results.Ok(await ratings.RateAsync(Actor.Of(user), ags, id, stars, body.Comment, ct));
    }

    private static async Task<IResult> RequestsOfOffering(string id, FeatureRequestService requests, CancellationToken ct) =>
        Results.Ok(await requests.ForOfferingAsync(id, 100, ct));

    private static async Task<IResult> Submit(string id, NewRequest body, ClaimsPrincipal user, TenantAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        var ags = string.IsNullOrWhiteSpace(body.Ags) ? user.AgsOf() : body.Ags;
        if (ags is null) throw RequestValidationException.For("ags", "Kommune (AGS) angeben, für die Sie den Wunsch äußern.");
        if (await RefusalAsync(access, user, ags, ct) is { } refused) throw refused;
        var created = await requests.SubmitAsync(Actor.Of(user), ags, id, body.Title, body.Text, ct);
        return Results.Created($"/api/v1/requests/{created.Id}", created);
    }

    private static async Task<IResult> Request(string requestId, FeatureRequestService requests, CancellationToken ct) =>
        Results.Ok(await requests.GetAsync(requestId, ct));

    private static async Task<IResult> Support(string requestId, string ags, ClaimsPrincipal user, TenantAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        if (await RefusalAsync(access, user, ags, ct) is { } refused) throw refused;
        return Results.Ok(await requests.SupportAsync(Actor.Of(user), ags, requestId, ct));
    }

    private static async Task<IResult> Withdraw(string requestId, string ags, ClaimsPrincipal user, TenantAccess access, FeatureRequestService requests,
        CancellationToken ct)
    {
        if (await RefusalAsync(access, user, ags, ct) is { } refused) throw refused;
        return Results.Ok(await requests.WithdrawSupportAsync(Actor.Of(user), ags, requestId, ct));
    }

    private static async Task<IResult> Answer(string requestId, AnswerRequest body, ClaimsPrincipal user, FeatureRequestService requests, CancellationToken ct)
    {
        if (TenantAccess.VendorOf(user) is not { } vendorId || !TenantAccess.EditsForVendor(user, vendorId))
            throw new NotFoundException($"Es gibt keinen Wunsch „{requestId}“.");
        return Results.Ok(await requests.AnswerAsync(Actor.Of(user), vendorId, requestId, body.Status, body.Answer, ct));
    }

    private static async Task<IResult> RequestsOfVendor(string vendorId, ClaimsPrincipal user, FeatureRequestService requests, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user)
            ? Results.Ok(await requests.ForVendorAsync(vendorId, 500, ct))
            : throw new NotFoundException($"Kein Anbieter „{vendorId}“.");

    private static async Task<IResult> Recommendations(string id, RecommendationService recommendations, CancellationToken ct) =>
        Results.Ok(await recommendations.ForOfferingAsync(id, 5, ct));

    private static async Task<IResult> Reliability(string id, ReliabilityService reliability, CancellationToken ct) =>
        Results.Ok(await reliability.ForOfferingAsync(id, ct));

    private static async Task<IResult> Availability(string id, AvailabilityFigures availability, ReliabilityService reliability, CancellationToken ct) =>
        Results.Ok(new AvailabilityView(await availability.ForOfferingAsync(id, ct), await reliability.ForOfferingAsync(id, ct)));
}
