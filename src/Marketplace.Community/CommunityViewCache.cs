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

    private sealed record Entry(Lazy<Task<SharedCommunityView>> View, DateTimeOffset At);

    public Task<SharedCommunityView> GetAsync(string offeringId, Func<Task<SharedCommunityView>> load)
    {
        var now = clock.GetUtcNow();
        var current = _entries.GetValueOrDefault(offeringId);
        if (current is not null && now - current.At < MaxAge && current.View.Value is { IsFaulted: false, IsCanceled: false } cached)
            return cached;
        // One load per offering at a time: of the visitors who find the entry stale together, one loads, the others
        // wait for that load. A failed load is replaced by the next visitor's. Task.Run: the Lazy holds a lock while its
        // factory runs, and the load (synchronous to its end on SQLite) must not run under it while other visitors' threads wait.
        var fresh = new Entry(new Lazy<Task<SharedCommunityView>>(() => Task.Run(load)), now);
        var won = current is null ? _entries.TryAdd(offeringId, fresh) : _entries.TryUpdate(offeringId, fresh, current);
        return (won ? fresh : _entries.GetValueOrDefault(offeringId) ?? fresh).View.Value;
    }

    public void Invalidate(string offeringId) => _entries.TryRemove(offeringId, out _);
}

/// <summary>The viewer-independent part of <see cref="OfferingCommunityView"/>.</summary>
public sealed record SharedCommunityView(
    Ratings.RatingsView Ratings, IReadOnlyList<Requests.FeatureRequest> Requests, IReadOnlyList<Recommendations.Recommendation> Recommendations,
    Reliability.ReliabilityFacts Reliability);
