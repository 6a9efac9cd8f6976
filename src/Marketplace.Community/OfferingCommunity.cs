using Marketplace.Community.Ratings;
using Marketplace.Community.Recommendations;
using Marketplace.Community.Reliability;
using Marketplace.Community.Requests;

namespace Marketplace.Community;

/// <summary>Everything the offering page shows of the community, for a viewer acting for <see cref="ActingFor"/> municipalities.</summary>
public sealed record OfferingCommunityView(
    string OfferingId, RatingsView Ratings, IReadOnlyList<FeatureRequest> Requests, IReadOnlySet<string> SupportedRequests,
    IReadOnlyList<Recommendation> Recommendations, ReliabilityFacts Reliability, IReadOnlyList<string> ActingFor,
    IReadOnlyDictionary<string, Rating?> OwnRatings, IReadOnlySet<string> MayRate);

/// <summary>Reads the community parts of an offering page in one call.</summary>
public sealed class OfferingCommunity(RatingService ratings, FeatureRequestService requests, RecommendationService recommendations, ReliabilityService reliability,
    CommunityViewCache cache)
{
    /// <param name="actingFor">The municipalities the viewer may rate and request for (own or delegated); empty for others.</param>
    public async Task<OfferingCommunityView> ForOfferingAsync(string offeringId, IReadOnlyList<string> actingFor, CancellationToken ct = default)
    {
        var own = new Dictionary<string, Rating?>();
        var mayRate = new HashSet<string>();
        foreach (var ags in actingFor)
        {
            own[ags] = await ratings.FindAsync(offeringId, ags, ct);
            if (await ratings.MayRateAsync(offeringId, ags, ct)) mayRate.Add(ags);
        }
        // Not the request's token: one visitor leaving must not cancel the load other visitors wait for.
        var shared = await cache.GetAsync(offeringId, async () => new SharedCommunityView(
            await ratings.ListAsync(offeringId, 1, 20),
            await requests.ForOfferingAsync(offeringId, 50),
            await recommendations.ForOfferingAsync(offeringId, 5),
            await reliability.ForOfferingAsync(offeringId)));
        return new OfferingCommunityView(offeringId, shared.Ratings, shared.Requests,
            await requests.SupportedByAsync(offeringId, actingFor, ct),
            shared.Recommendations, shared.Reliability, actingFor, own, mayRate);
    }
}
