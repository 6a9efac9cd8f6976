using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Jobs;

/// <summary>Runs one claimed job: the handler's answer is recorded with its effects; an exception counts as a failed attempt.</summary>
public sealed class JobRunner
{
    private readonly JobStore _store;
    private readonly SubscriptionJobHandler _handler;
    private readonly ILogger<JobRunner> _logger;

    internal JobRunner(JobStore store, SubscriptionJobHandler handler, ILogger<JobRunner> logger)
    {
        _store = store;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>Runs the job and records the result; false when its lease was lost meanwhile (another process owns it now).</summary>
    public async Task<bool> RunAsync(ClaimedJob job, CancellationToken ct)
    {
        JobResult result;
        try
        {
            result = await _handler.RunAsync(job, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another process (or this one, restarted) takes the job over.
            return false;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Job {JobId} ({Kind}/{Phase}) failed", job.Id, job.Job.Kind, job.Job.Phase);
            result = new JobResult.Retry($"{e.GetType().Name}: {e.Message}") { OnDead = _handler.OnCrashDead(job, e.Message) };
        }
        try
        {
            var finished = await _store.FinishAsync(job, result, CancellationToken.None);
            if (!finished) _logger.LogWarning("Job {JobId}: lease lost, result of this run discarded", job.Id);
            return finished;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run's result could not be stored (the subscription moved under it): the job ends in the dead letter with
            // the reason. If even that fails (database gone), the lease is no longer renewed and another run takes over.
            _logger.LogError(e, "Job {JobId}: result could not be stored", job.Id);
            try
            {
                await _store.EndUnstorableAsync(job, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            }
            catch (Exception end) when (end is not OperationCanceledException)
            {
                _logger.LogError(end, "Job {JobId}: could not be sent to the dead letter either; its lease runs out", job.Id);
            }
            return false;
        }
    }
}

/// <summary>
/// The hosted worker: claims due jobs (per broker, within the vendor's concurrency limit), runs up to
/// WorkerParallelism of them at once, and renews the leases of its running jobs. Several processes on one database
/// share the work; a process that dies leaves leases that expire and are taken over. On shutdown it claims nothing new,
/// lets running jobs finish for ShutdownGrace, then cancels the rest and releases their leases for another process.
/// </summary>
public sealed class ProvisioningWorker(JobStore store, JobRunner runner, IOptions<ProvisioningOptions> options, TimeProvider clock,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    private readonly ProvisioningOptions _options = options.Value;

    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Provisioning worker {WorkerId} started (parallelism {Parallelism})", WorkerId, _options.WorkerParallelism);
        var running = new HashSet<Task>();
        var runningIds = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        // Jobs and the lease heartbeat get their own token: shutdown stops the claiming at once but gives running broker
        // calls time to finish, with their leases still renewed so no other process takes them over meanwhile.
        using var drain = new CancellationTokenSource();
        var heartbeat = Task.Run(() => HeartbeatAsync(runningIds, drain.Token), CancellationToken.None);
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveWhere(t => t.IsCompleted);
            var claimed = 0;
            try
            {
                var free = _options.WorkerParallelism - running.Count;
                if (free > 0)
                {
                    var jobs = await store.ClaimAsync(WorkerId, free, stoppingToken);
                    claimed = jobs.Count;
                    foreach (var job in jobs)
                    {
                        runningIds[job.Id] = 0;
                        running.Add(Task.Run(async () =>
                        {
                            try { await runner.RunAsync(job, drain.Token); }
                            finally { runningIds.TryRemove(job.Id, out _); }
                        }, CancellationToken.None));
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Claiming jobs failed; trying again");
            }
            if (claimed > 0 && running.Count < _options.WorkerParallelism) continue;
            try
            {
                var idle = Task.Delay(_options.PollInterval, clock, stoppingToken);
                await (running.Count > 0 ? Task.WhenAny(idle, Task.WhenAny(running)) : idle);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        if (running.Count > 0)
        {
            logger.LogInformation("Provisioning worker {WorkerId} stopping: {Count} jobs get {Grace} to finish", WorkerId, running.Count, _options.ShutdownGrace);
            drain.CancelAfter(_options.ShutdownGrace);
            await Task.WhenAll(running);
        }
        await drain.CancelAsync();
        await heartbeat;
        try
        {
            var released = await store.ReleaseLeasesAsync(WorkerId, CancellationToken.None);
            if (released > 0) logger.LogInformation("Provisioning worker {WorkerId} released {Count} unfinished jobs", WorkerId, released);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Releasing leases at shutdown failed; they expire after the lease duration");
        }
    }

    private async Task HeartbeatAsync(System.Collections.Concurrent.ConcurrentDictionary<string, byte> runningIds, CancellationToken ct)
    {
        var period = _options.LeaseDuration / 3;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, clock, ct);
                await store.RenewLeasesAsync(WorkerId, runningIds.Keys.ToList(), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Renewing leases failed");
            }
        }
    }
}
