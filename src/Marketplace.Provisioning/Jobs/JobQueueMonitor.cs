using Dapper;
using Marketplace.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Jobs;

/// <summary>
/// The job queue as operators see it: jobs per state, the age of the oldest due job and rollout progress, as
/// OpenTelemetry gauges and as a health check. Gauge callbacks are synchronous and run on every scrape, so they read a
/// snapshot that is refreshed from the database at most every few seconds, never a query per scrape.
/// </summary>
public sealed class JobQueueMonitor : IHealthCheck
{
    private static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromSeconds(10);
    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly IOptionsMonitor<ProvisioningOptions> _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public JobQueueMonitor(Database database, TimeProvider clock, IOptionsMonitor<ProvisioningOptions> options)
    {
        _database = database;
        _clock = clock;
        _options = options;
        PlatformTelemetry.Meter.CreateObservableGauge("marketplace.jobs", () => Current().JobsByState
            .Select(s => new System.Diagnostics.Metrics.Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key))),
            "{job}", "Provisioning jobs per state");
        PlatformTelemetry.Meter.CreateObservableGauge("marketplace.jobs.dead_open", () => Current().OpenDead,
            "{job}", "Dead-lettered provisioning jobs whose subscription has not moved on since");
        PlatformTelemetry.Meter.CreateObservableGauge("marketplace.jobs.pending_cleanups", () => Current().PendingCleanups,
            "{job}", "Deletions at brokers (cancellations, orphan mitigation) not confirmed yet; retried until they are");
        PlatformTelemetry.Meter.CreateObservableGauge("marketplace.jobs.queue_age", () => Current().OldestDueAge.TotalSeconds,
            "s", "How long the oldest due provisioning job has been waiting to run");
        PlatformTelemetry.Meter.CreateObservableGauge("marketplace.rollouts.open_subscriptions", () => Current().OpenRollout
            .Select(s => new System.Diagnostics.Metrics.Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key))),
            "{subscription}", "Subscriptions of rollouts that have not settled yet, per state");
    }

    /// <summary>Jobs per state, the wait of the oldest due job, open rollout subscriptions per state.</summary>
    /// <remarks>OpenDead: dead jobs whose subscription has not moved on since; PendingCleanups: deletions at brokers not confirmed yet.</remarks>
    public sealed record Snapshot(IReadOnlyDictionary<string, long> JobsByState, TimeSpan OldestDueAge, IReadOnlyDictionary<string, long> OpenRollout, DateTimeOffset TakenAt,
        long OpenDead = 0, long PendingCleanups = 0)
    {
        public static readonly Snapshot Empty = new(new Dictionary<string, long>(), TimeSpan.Zero, new Dictionary<string, long>(), DateTimeOffset.MinValue);
    }

    /// <summary>Reads the figures from the database now.</summary>
    public async Task<Snapshot> RefreshAsync(CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        await using var c = await _database.OpenAsync(ct);
        var jobs = (await c.QueryAsync<(string State, long Count)>(new CommandDefinition(ProvisioningSql.JobCountsByState, cancellationToken: ct)))
            .ToDictionary(r => r.State, r => r.Count);
        var oldest = await c.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(ProvisioningSql.OldestDueJob, new { now }, cancellationToken: ct));
        var rollouts = (await c.QueryAsync<(string State, long Count)>(new CommandDefinition(ProvisioningSql.OpenRolloutStates, cancellationToken: ct)))
            .ToDictionary(r => r.State, r => r.Count);
        var openDead = await c.ExecuteScalarAsync<long>(new CommandDefinition(ProvisioningSql.OpenDeadJobs, cancellationToken: ct));
        var cleanups = await c.ExecuteScalarAsync<long>(new CommandDefinition(ProvisioningSql.PendingCleanups, cancellationToken: ct));
        var age = oldest is { } due ? now - due : TimeSpan.Zero;
        return _snapshot = new Snapshot(jobs, age < TimeSpan.Zero ? TimeSpan.Zero : age, rollouts, now, openDead, cleanups);
    }

    /// <summary>
    /// Ready while the database answers; degraded (still serving) when due jobs wait too long or open dead-letter entries
    /// wait for a person (entries of subscriptions that have moved on since are closed and do not count).
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        Snapshot s;
        try { s = await RefreshAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException) { return HealthCheckResult.Unhealthy("job queue unreadable", e); }
        var dead = s.OpenDead;
        var data = new Dictionary<string, object>
        {
            ["queueAgeSeconds"] = Math.Round(s.OldestDueAge.TotalSeconds, 1),
            ["dead"] = dead,
            ["pendingCleanups"] = s.PendingCleanups,
            ["queued"] = s.JobsByState.GetValueOrDefault(JobStates.Queued),
            ["running"] = s.JobsByState.GetValueOrDefault(JobStates.Running),
            ["polling"] = s.JobsByState.GetValueOrDefault(JobStates.Polling),
        };
        if (s.OldestDueAge > _options.CurrentValue.QueueAgeWarning)
            return HealthCheckResult.Degraded($"the oldest due job has waited {s.OldestDueAge.TotalSeconds:0} s", data: data);
        if (dead > 0) return HealthCheckResult.Degraded($"{dead} jobs in the dead letter", data: data);
        return HealthCheckResult.Healthy("job queue moving", data);
    }

    private Snapshot Current()
    {
        var s = _snapshot;
        if (_clock.GetUtcNow() - s.TakenAt > MaxSnapshotAge && _refresh.Wait(0))
        {
            // Refresh in the background; this scrape reports the previous figures rather than waiting for the database.
            _ = Task.Run(async () =>
            {
                try { await RefreshAsync(); }
                catch (Exception) { /* the health check reports an unreadable queue; a scrape keeps the last figures */ }
                finally { _refresh.Release(); }
            });
        }
        return s;
    }
}
