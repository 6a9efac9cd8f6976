using Dapper;
using Marketplace.Catalog.Search;
using Marketplace.Storage;

namespace Marketplace.Community.Ratings;

/// <summary>
/// Average and count of every offering's ratings for catalogue search (cards and sort=rating). Reloaded after a rating
/// saved here at once, and at most <see cref="MaxAge"/> late for ratings saved by another instance. The version is a
/// hash of the content, so every instance serving the same ratings gives the same ETags.
/// </summary>
public sealed class RatingSnapshots(Database database, TimeProvider clock) : IOfferingRatings
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Loaded? _current;

    private sealed record Loaded(RatingSnapshot Snapshot, DateTimeOffset At);

    public void Invalidate() => _current = null;

    // Every catalogue search asks: a fresh snapshot is answered without an async state machine.
    public ValueTask<RatingSnapshot> CurrentAsync(CancellationToken ct = default) =>
        _current is { } fresh && clock.GetUtcNow() - fresh.At < MaxAge ? ValueTask.FromResult(fresh.Snapshot) : LoadAsync(ct);

    private async ValueTask<RatingSnapshot> LoadAsync(CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            if (_current is { } other && clock.GetUtcNow() - other.At < MaxAge) return other.Snapshot;
            var loadedAt = clock.GetUtcNow();
            await using var c = await database.OpenAsync(ct);
            var rows = (await c.QueryAsync<Row>(new CommandDefinition(CommunitySql.RatingSummaries, cancellationToken: ct)))
                .OrderBy(r => r.OfferingId, StringComparer.Ordinal).ToList();
            var byOffering = new Dictionary<string, RatingSummary>(StringComparer.Ordinal);
            foreach (var r in rows)
            {
                var summary = new RatingSummary(Math.Round(r.Average, 2), (int)r.Count);
                byOffering[r.OfferingId] = summary;
            }
            // A digest of the content, not HashCode (seeded per process): the same ratings give the same ETags everywhere.
            var version = rows.Count == 0 ? 0 : StableVersion(byOffering);
            var snapshot = new RatingSnapshot(version, byOffering);
            _current = new Loaded(snapshot, loadedAt);
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private static long StableVersion(Dictionary<string, RatingSummary> byOffering)
    {
        var text = string.Join("\n", byOffering.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}:{p.Value.Count}:{p.Value.Average.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToInt64(digest, 0) & long.MaxValue;
    }

    private sealed class Row
    {
        public string OfferingId { get; init; } = "";
        public double Average { get; init; }
        public long Count { get; init; }
    }
}
