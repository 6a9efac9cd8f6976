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
public sealed class OfferingCommunity(RatingService ratings, FeatureRequestService requests, RecommendationService recommendations, ReliabilityService reliability)
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
        return new OfferingCommunityView(offeringId,
            await ratings.ListAsync(offeringId, 1, 20, ct),
            await requests.ForOfferingAsync(offeringId, 50, ct),
            await requests.SupportedByAsync(offeringId, actingFor, ct),
            await recommendations.ForOfferingAsync(offeringId, 5, ct),
            await reliability.ForOfferingAsync(offeringId, ct),
            actingFor, own, mayRate);
    }
}
