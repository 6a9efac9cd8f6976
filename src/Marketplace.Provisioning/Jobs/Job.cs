using System.Data.Common;

namespace Marketplace.Provisioning.Jobs;

/// <summary>
/// States of a job. queued: waits for run_at and a free broker slot; running: leased by one process; polling: waits
/// for the next last_operation poll and keeps its broker slot (the broker is still working on it); done and failed
/// end it; dead: retries exhausted, waiting for a person to retry it.
/// </summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Polling = "polling";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Dead = "dead";
}

/// <summary>The operations a job carries out at a broker, one per subscription change (or binding change).</summary>
public static class JobKinds
{
    public const string Provision = "provision";
    public const string Update = "update";
    public const string Deprovision = "deprovision";
    /// <summary>Creates a service binding (with orphan mitigation); a rotation's new binding deletes the old one when active.</summary>
    public const string Bind = "bind";
    /// <summary>Deletes a service binding, retried until the broker confirms.</summary>
    public const string Unbind = "unbind";
}

/// <summary>A job row as stored.</summary>
public sealed class JobRecord
{
    public string Id { get; init; } = "";
    public string Kind { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string BrokerKey { get; init; } = "";
    public string State { get; init; } = "";
    public string Phase { get; init; } = "";
    public string PayloadJson { get; init; } = "{}";
    public DateTimeOffset RunAt { get; init; }
    public long Runs { get; init; }
    public long Failures { get; init; }
    public long MaxFailures { get; init; }
    public string? LeaseOwner { get; init; }
    public string? LeaseToken { get; init; }
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>One run of a job: which process ran which phase when, and how it ended.</summary>
public sealed class JobAttempt
{
    public string JobId { get; init; } = "";
    public long RunNo { get; init; }
    public string WorkerId { get; init; } = "";
    public string Phase { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Outcome { get; init; }
    public string? Detail { get; init; }
}

/// <summary>A job this process holds the lease of; only the lease token's holder may finish it.</summary>
public sealed record ClaimedJob(JobRecord Job, string WorkerId, string LeaseToken, long RunNo)
{
    public string Id => Job.Id;

    /// <summary>True when one more failure sends the job to the dead letter.</summary>
    public bool LastChance => Job.Failures + 1 >= Job.MaxFailures;
}

/// <summary>Side effects in the job's finishing transaction (subscription state, timeline, audit).</summary>
internal delegate Task JobEffects(Work work);

/// <summary>How a run ended and what the job does next.</summary>
internal abstract record JobResult(string Detail)
{
    /// <summary>Runs in the same transaction as the job's new state.</summary>
    public JobEffects? Effects { get; init; }

    /// <summary>The operation finished (successfully, or with a result recorded on the subscription).</summary>
    public sealed record Done(string Detail) : JobResult(Detail);

    /// <summary>Definitive failure: no retry helps; ends the job.</summary>
    public sealed record Failed(string Detail) : JobResult(Detail);

    /// <summary>Next phase at a given time, not a failure (polling, or orphan mitigation that follows at once).</summary>
    public sealed record Continue(string Detail, string Phase, string PayloadJson, DateTimeOffset RunAt, bool HoldsSlot) : JobResult(Detail);

    /// <summary>A failure worth retrying with backoff; the job goes to the dead letter when retries are exhausted.</summary>
    public sealed record Retry(string Detail, string? Phase = null, string? PayloadJson = null) : JobResult(Detail)
    {
        /// <summary>A deletion at the broker: retried until it is confirmed, never dead-lettered, backoff capped at CleanupMaxBackoff.</summary>
        public bool UntilConfirmed { get; init; }

        /// <summary>Counts this failure on top of these instead of the job's current failures (after a confirmed cleanup).</summary>
        public long? FailuresBefore { get; init; }

        /// <summary>Effects instead of <see cref="JobResult.Effects"/> when this failure exhausts the retries.</summary>
        public JobEffects? OnDead { get; init; }
    }
}

/// <summary>A new job, written in the transaction that makes it necessary.</summary>
internal sealed record NewJob(string Kind, string SubscriptionId, string BrokerKey, string Phase, string PayloadJson);

/// <summary>Thrown inside a finishing transaction when the lease was lost to another process: nothing of the run is kept.</summary>
public sealed class LeaseLostException(string jobId) : Exception($"lease of job {jobId} was lost");

internal static class DbExtensions
{
    public static Task<int> Exec(this Work w, string sql, object? args) => Dapper.SqlMapper.ExecuteAsync(w.Connection, sql, args, w.Transaction);
    public static Task<int> Exec(this DbConnection c, DbTransaction tx, string sql, object? args) => Dapper.SqlMapper.ExecuteAsync(c, sql, args, tx);
}
