using Marketplace.Provisioning.Subscriptions;

namespace Marketplace.Community.Reliability;

/// <summary>
/// How reliably the vendor provisions an offering, from the platform's own subscription timelines: how many
/// subscriptions reached active and how many failed without ever doing so (pending ones count for neither), and the
/// median time from the request to the first activation. Null figures mean there is nothing to measure yet.
/// </summary>
public sealed record ReliabilityFacts(string OfferingId, int Succeeded, int Failed, double? SuccessRate, TimeSpan? MedianProvisioningTime, int Measured);

/// <summary>Computes <see cref="ReliabilityFacts"/> over the newest <see cref="Sample"/> subscriptions of an offering.</summary>
public sealed class ReliabilityService(CommunityStore store, SubscriptionRecords subscriptions)
{
    public const int Sample = 1000;

    public async Task<ReliabilityFacts> ForOfferingAsync(string offeringId, CancellationToken ct = default)
    {
        store.Published(offeringId);
        await using var c = await store.Database.OpenAsync(ct);
        return Compute(offeringId, await subscriptions.ProvisioningOutcomesAsync(c, null, offeringId, Sample, ct));
    }

    /// <summary>The figures from one row per subscription; a subscription that failed and later became active counts as a success.</summary>
    internal static ReliabilityFacts Compute(string offeringId, IReadOnlyList<ProvisioningOutcome> rows)
    {
        var succeeded = rows.Count(r => r.ActivatedAt is not null);
        var failed = rows.Count(r => r.ActivatedAt is null && r.Failed > 0);
        var durations = rows.Where(r => r.ActivatedAt is not null && r.RequestedAt is not null)
            .Select(r => r.ActivatedAt!.Value - r.RequestedAt!.Value)
            .Where(d => d >= TimeSpan.Zero)
            .Order().ToList();
        return new ReliabilityFacts(offeringId, succeeded, failed,
            succeeded + failed == 0 ? null : Math.Round((double)succeeded / (succeeded + failed), 4),
            Median(durations), succeeded + failed);
    }

    internal static TimeSpan? Median(IReadOnlyList<TimeSpan> ordered) => ordered.Count switch
    {
        0 => null,
        var n when n % 2 == 1 => ordered[n / 2],
        var n => TimeSpan.FromTicks((ordered[n / 2 - 1].Ticks + ordered[n / 2].Ticks) / 2),
    };
}
