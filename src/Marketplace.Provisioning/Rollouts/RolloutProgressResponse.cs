namespace Marketplace.Provisioning.Rollouts;

/// <summary>A rollout's progress as the API answers it and the progress page shows it: durations in seconds, rounded.</summary>
public sealed record RolloutProgressResponse(string RolloutId, string OfferingId, int Total, IReadOnlyDictionary<string, int> CountsByState,
    IReadOnlyList<RolloutFailure> Failures, bool Finished, DateTimeOffset StartedAt, double ElapsedSeconds, double CompletedPerSecond,
    double? EstimatedRemainingSeconds)
{
    /// <summary>The municipalities the rollout left out, with the reason (already subscribed, or excluded by their data policy).</summary>
    public IReadOnlyList<RolloutSkip> Skipped { get; init; } = [];

    public static RolloutProgressResponse From(RolloutProgress p) => new(p.RolloutId, p.OfferingId, p.Total, p.CountsByState, p.Failures, p.Finished,
        p.StartedAt, Math.Round(p.Elapsed.TotalSeconds, 1), Math.Round(p.CompletedPerSecond, 2),
        p.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds) : null) { Skipped = p.Skipped };
}
