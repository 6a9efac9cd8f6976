using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Jobs;

/// <summary>
/// The durable job table. Claiming runs per broker in one short transaction: the broker's row is locked first
/// (skipping a broker another process is claiming for), its busy slots are counted against the vendor's
/// concurrency limit, and due jobs are locked with the dialect's claim hints (FOR UPDATE SKIP LOCKED, UPDLOCK/READPAST;
/// SQLite has one writer) and leased to this process. Finishing is fenced by the lease token, so a job whose lease
/// expired and was taken over can never be finished twice.
/// </summary>
public sealed class JobStore(Database database, AuditTrail audit, TimeProvider clock, IOptions<ProvisioningOptions> options)
{
    private readonly ProvisioningOptions _options = options.Value;

    internal async Task EnsureBrokerAsync(Work work, string brokerKey)
    {
        var configured = _options.BrokerConcurrency.TryGetValue(brokerKey, out var n) ? n : _options.DefaultBrokerConcurrency;
        await work.Exec(ProvisioningSql.InsertBrokerIfAbsent, new { vendor = brokerKey, max = configured, now = clock.GetUtcNow() });
    }

    internal async Task<string> EnqueueAsync(Work work, NewJob job, DateTimeOffset? runAt = null)
    {
        var id = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow();
        await work.Exec(ProvisioningSql.InsertJob, new
        {
            id, job.Kind, job.SubscriptionId, job.BrokerKey, state = JobStates.Queued, job.Phase, job.PayloadJson,
            runAt = runAt ?? now, max = _options.MaxFailures, now,
        });
        return id;
    }

    /// <summary>Many new jobs at once (a rollout), due now.</summary>
    internal async Task EnqueueManyAsync(Work work, IReadOnlyList<NewJob> jobs)
    {
        var now = clock.GetUtcNow();
        await MultiRowInsert.ExecuteAsync(work.Connection, work.Transaction, "provisioning_jobs", ProvisioningSql.JobInsertColumns,
            jobs.Select(j => new object?[]
            {
                Guid.NewGuid().ToString(), j.Kind, j.SubscriptionId, j.BrokerKey, JobStates.Queued, j.Phase, j.PayloadJson, now, 0, 0, _options.MaxFailures,
                null, null, null, null, now, null,
            }).ToList());
    }

    /// <summary>Claims up to <paramref name="max"/> due jobs over all brokers, brokers in random order so none starves.</summary>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string workerId, int max, CancellationToken ct = default)
    {
        if (max <= 0) return [];
        List<string> brokers;
        await using (var c = await database.OpenAsync(ct))
            brokers = (await c.QueryAsync<string>(ProvisioningSql.BrokersWithDueJobs, new { now = clock.GetUtcNow() })).ToList();
        var claimed = new List<ClaimedJob>();
        foreach (var broker in brokers.OrderBy(_ => Random.Shared.Next()))
        {
            if (claimed.Count >= max) break;
            claimed.AddRange(await ClaimFromBrokerAsync(broker, workerId, max - claimed.Count, ct));
        }
        return claimed;
    }

    public async Task<IReadOnlyList<ClaimedJob>> ClaimFromBrokerAsync(string brokerKey, string workerId, int max, CancellationToken ct = default)
    {
        var dialect = database.Dialect;
        var now = clock.GetUtcNow();
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var limits = (await c.QueryAsync<long>(ProvisioningSql.LockBroker(dialect), new { broker = brokerKey }, tx)).ToList();
        if (limits.Count == 0) return []; // another process is claiming for this broker right now
        var busy = await c.ExecuteScalarAsync<long>(ProvisioningSql.BusySlots, new { broker = brokerKey }, tx);

        // Jobs that already hold a slot first: due polls, and runs whose process died (lease expired).
        var rows = (await c.QueryAsync<JobRecord>(ProvisioningSql.ClaimHoldingSlot(dialect),
            new { broker = brokerKey, now, limit = max, offset = 0 }, tx)).ToList();
        var free = (int)Math.Min(max - rows.Count, limits[0] - busy);
        if (free > 0)
            rows.AddRange(await c.QueryAsync<JobRecord>(ProvisioningSql.ClaimQueued(dialect),
                new { broker = brokerKey, now, limit = free, offset = 0 }, tx));

        var leaseUntil = now + _options.LeaseDuration;
        var claimed = new List<ClaimedJob>(rows.Count);
        foreach (var job in rows)
        {
            var token = Guid.NewGuid().ToString("N");
            if (job.State == JobStates.Running)
                await c.ExecuteAsync(ProvisioningSql.CloseAttempt, new
                {
                    jobId = job.Id, runNo = job.Runs, now, outcome = "lease-expired", detail = $"lease of {job.LeaseOwner} expired",
                }, tx);
            await c.ExecuteAsync(ProvisioningSql.LeaseJob, new { id = job.Id, owner = workerId, token, until = leaseUntil }, tx);
            await c.ExecuteAsync(ProvisioningSql.InsertAttempt, new { jobId = job.Id, runNo = job.Runs + 1, workerId, job.Phase, now }, tx);
            claimed.Add(new ClaimedJob(job, workerId, token, job.Runs + 1));
        }
        await tx.CommitAsync(ct);
        return claimed;
    }

    /// <summary>
    /// Extends the leases of the jobs this process is running right now: one statement per heartbeat. A job whose run
    /// ended without its result being stored is not among them, so its lease runs out and another process takes it over.
    /// </summary>
    public async Task<int> RenewLeasesAsync(string workerId, IReadOnlyCollection<string> runningJobIds, CancellationToken ct = default)
    {
        if (runningJobIds.Count == 0) return 0;
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(ProvisioningSql.RenewLeases(database.Dialect), new
        {
            owner = workerId, until = clock.GetUtcNow() + _options.LeaseDuration, now = clock.GetUtcNow(), ids = runningJobIds.ToArray(),
        });
    }

    /// <summary>
    /// Ends a run whose result could not be stored (its effects failed, say because the subscription moved on): the job
    /// goes to the dead letter with the reason instead of running again and again. False when the lease was lost meanwhile.
    /// </summary>
    public async Task<bool> EndUnstorableAsync(ClaimedJob claimed, string reason, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var error = Cut($"result could not be stored: {reason}");
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.Exec(tx, ProvisioningSql.EndUnstorable, new { id = claimed.Id, token = claimed.LeaseToken, error, now }) == 0) return false;
        await c.Exec(tx, ProvisioningSql.CloseAttempt, new { jobId = claimed.Id, runNo = claimed.RunNo, now, outcome = "dead", detail = error });
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Expires the leases this process still holds (jobs it stopped running at shutdown), so they are taken over now.</summary>
    public async Task<int> ReleaseLeasesAsync(string workerId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(ProvisioningSql.ReleaseLeases,
            new { owner = workerId, expired = clock.GetUtcNow() - TimeSpan.FromSeconds(1) }, cancellationToken: ct));
    }

    /// <summary>
    /// Records how a run ended, with its side effects, in one transaction. Returns false (and keeps nothing) when the
    /// lease was lost meanwhile.
    /// </summary>
    internal async Task<bool> FinishAsync(ClaimedJob claimed, JobResult result, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var job = claimed.Job;
        string state, phase = job.Phase, payload = job.PayloadJson, outcome;
        var runAt = job.RunAt;
        string? error = job.LastError;
        DateTimeOffset? finished = null;
        var failures = job.Failures;
        var effects = result.Effects;
        switch (result)
        {
            case JobResult.Done:
                (state, outcome, finished) = (JobStates.Done, "done", now);
                break;
            case JobResult.Failed f:
                (state, outcome, finished, error) = (JobStates.Failed, "failed", now, f.Detail);
                break;
            case JobResult.Continue k:
                (state, outcome, phase, payload, runAt) = (k.HoldsSlot ? JobStates.Polling : JobStates.Queued, "continue", k.Phase, k.PayloadJson, k.RunAt);
                break;
            case JobResult.Retry r:
                failures = (r.FailuresBefore ?? failures) + 1;
                error = r.Detail;
                phase = r.Phase ?? phase;
                payload = r.PayloadJson ?? payload;
                if (r.UntilConfirmed)
                {
                    (state, outcome, runAt) = (JobStates.Queued, "retry", now + Backoff((int)Math.Min(failures, 64), _options.CleanupMaxBackoff));
                }
                else if (failures >= job.MaxFailures)
                {
                    (state, outcome, finished) = (JobStates.Dead, "dead", now);
                    effects = r.OnDead ?? effects;
                }
                else
                {
                    (state, outcome, runAt) = (JobStates.Queued, "retry", now + Backoff((int)failures));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result));
        }

        await using var work = await Work.BeginAsync(database, audit, ct);
        var updated = await work.Exec(ProvisioningSql.FinishJob, new
        {
            id = job.Id, token = claimed.LeaseToken, state, phase, payload, runAt, failures, error = Cut(error), finished,
        });
        if (updated == 0) return false;
        await work.Exec(ProvisioningSql.CloseAttempt, new { jobId = job.Id, runNo = claimed.RunNo, now, outcome, detail = Cut(result.Detail) });
        if (effects is not null) await effects(work);
        await work.CommitAsync(ct);
        return true;
    }

    /// <summary>Exponential backoff with full jitter: a random delay up to base·2^(failures−1), capped.</summary>
    public TimeSpan Backoff(int failures) => Backoff(failures, _options.MaxBackoff);

    private TimeSpan Backoff(int failures, TimeSpan cap)
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, _options.BaseBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    /// <summary>Puts a dead or failed job back into the queue with fresh retries (manual retry from the dead letter).</summary>
    /// <remarks>
    /// It starts again with the operation's first call: a provision PUT with the same instance id is idempotent at the
    /// broker, and a PATCH or DELETE asks for the same end state again.
    /// </remarks>
    internal async Task<bool> RequeueAsync(Work work, JobRecord job, string actorUserId) =>
        await work.Exec(ProvisioningSql.RequeueJob, new
        {
            id = job.Id, now = clock.GetUtcNow(), phase = Phases.Request,
            // A binding job keeps the binding it acts on.
            payload = new OperationPayload(actorUserId, BindingId: OperationPayload.Parse(job.PayloadJson).BindingId).ToJson(),
        }) == 1;

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<JobRecord>(ProvisioningSql.JobById, new { id = jobId });
    }

    /// <summary>Jobs of the same subscription created after this one: a job with any is superseded and must not run again.</summary>
    internal static async Task<JobRecord?> NewerJobAsync(Work work, JobRecord job) =>
        await work.Connection.QueryFirstOrDefaultAsync<JobRecord>(ProvisioningSql.NewerJobsOf,
            new { subscriptionId = job.SubscriptionId, id = job.Id, createdAt = job.CreatedAt }, work.Transaction);

    /// <summary>Dead jobs whose subscription has not moved on since: what the dead letter shows and readiness counts.</summary>
    public async Task<long> OpenDeadCountAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(ProvisioningSql.OpenDeadJobs, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<JobRecord>> JobsOfSubscriptionAsync(string subscriptionId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<JobRecord>(ProvisioningSql.JobsOfSubscription, new { id = subscriptionId })).ToList();
    }

    /// <summary>The dead letter: jobs whose retries are exhausted and whose subscription has not moved on since, oldest first.</summary>
    public async Task<IReadOnlyList<JobRecord>> DeadLetterAsync(int limit = 100, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<JobRecord>(ProvisioningSql.DeadJobs(database.Dialect), new { limit, offset })).ToList();
    }

    public async Task<IReadOnlyList<JobAttempt>> AttemptsAsync(string jobId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<JobAttempt>(ProvisioningSql.AttemptsOf, new { jobId })).ToList();
    }

    /// <summary>Deletions at brokers not confirmed yet: cancellations and orphan mitigations under way.</summary>
    public async Task<long> PendingCleanupsAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(ProvisioningSql.PendingCleanups, cancellationToken: ct));
    }

    /// <summary>Jobs not finished yet (queued, running or polling).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(ProvisioningSql.PendingJobs);
    }

    private static string? Cut(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}
