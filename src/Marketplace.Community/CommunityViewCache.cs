using System.Collections.Concurrent;

namespace Marketplace.Community;

/// <summary>
/// What every visitor of an offering page sees of the community (first ratings, requests, recommendations, reliability),
/// kept per offering for <see cref="MaxAge"/>: the offering page is the catalogue's most visited page and these are
/// five queries. A change saved on this instance drops its offering's entry at once; one saved on another instance
/// shows here at most <see cref="MaxAge"/> later. What depends on the viewer is never cached.
/// </summary>
public sealed class CommunityViewCache(TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Task<SharedCommunityView> View, DateTimeOffset At);

    public Task<SharedCommunityView> GetAsync(string offeringId, Func<Task<SharedCommunityView>> load)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(offeringId, out var entry) && now - entry.At < MaxAge && !entry.View.IsFaulted && !entry.View.IsCanceled)
            return entry.View;
        // Concurrent visitors of a stale entry may each load once; the last one stays. A failed load is not kept.
        var loading = load();
        _entries[offeringId] = new Entry(loading, now);
        return loading;
    }

    public void Invalidate(string offeringId) => _entries.TryRemove(offeringId, out _);
}

/// <summary>The viewer-independent part of <see cref="OfferingCommunityView"/>.</summary>
public sealed record SharedCommunityView(
    Ratings.RatingsView Ratings, IReadOnlyList<Requests.FeatureRequest> Requests, IReadOnlyList<Recommendations.Recommendation> Recommendations,
    Reliability.ReliabilityFacts Reliability);
