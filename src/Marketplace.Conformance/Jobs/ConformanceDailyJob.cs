using System.Data.Common;
using Dapper;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Standards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Jobs;

/// <summary>What one day's run did.</summary>
public sealed record DailyJobResult(DateOnly Day, int Offerings)
{
    public override string ToString() => $"{Day:yyyy-MM-dd}: {Offerings} offerings re-evaluated";
}

/// <summary>
/// The daily conformance run: re-evaluates every offering for today, so evidence that expired and older standard versions
/// whose grace period ended change the status (with audit entries, from which the notifications module tells the vendor
/// and the subscribed municipalities). It runs once per day across all instances: the day's row in conformance_job_runs is claimed first.
/// </summary>
public sealed class ConformanceDailyJob
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly ILogger<ConformanceDailyJob> _logger;

    internal ConformanceDailyJob(ConformanceUnitOfWork uow, ILogger<ConformanceDailyJob> logger)
    {
        _uow = uow;
        _logger = logger;
    }

    /// <summary>Runs today's job unless some instance already ran it; null when it was not due.</summary>
    public async Task<DailyJobResult?> RunIfDueAsync(CancellationToken ct = default)
    {
        var now = _uow.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        bool claimed;
        try
        {
            claimed = await _uow.RunAsync(async s =>
            {
                var day = ConformanceEvaluator.Day(today);
                if (await s.Connection.ExecuteScalarAsync<long>(ConformanceSql.JobDayTaken, new { run_on = day }, s.Transaction) > 0) return false;
                await s.Connection.ExecuteAsync(ConformanceSql.ClaimJobDay, new { run_on = day, started_at = s.Now }, s.Transaction);
                return true;
            }, ct);
        }
        catch (DbException)
        {
            claimed = false; // another instance claimed the day in the same moment: the primary key let exactly one through
        }
        if (!claimed) return null;

        var result = await RunAsync(ct);
        await _uow.RunAsync(s => s.Connection.ExecuteAsync(ConformanceSql.FinishJobDay,
            new { run_on = ConformanceEvaluator.Day(today), finished_at = s.Now, summary = result.ToString() }, s.Transaction), ct);
        _logger.LogInformation("Conformance job: {Result}", result);
        return result;
    }

    /// <summary>The day's work, one transaction per offering so one bad offering does not hold back the others.</summary>
    internal async Task<DailyJobResult> RunAsync(CancellationToken ct)
    {
        var (heads, standards) = await _uow.ReadAsync(async s => (await s.PublishedHeadsAsync(),
            await s.StandardsAsync()), ct);
        var today = DateOnly.FromDateTime(_uow.Clock.GetUtcNow().UtcDateTime);
        foreach (var head in heads)
        {
            try
            {
                await _uow.RunAsync(s => s.RecomputeAsync(head.OfferingId, standards, Actor.Named("conformance-job")), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Conformance job failed for offering {Offering}", head.OfferingId);
            }
        }
        return new DailyJobResult(today, heads.Count);
    }
}

/// <summary>Runs the daily job in the host: looks every poll interval (on the injected clock) whether today's run is due.</summary>
public sealed class ConformanceJobService(ConformanceDailyJob job, TimeProvider clock, IOptions<ConformanceOptions> options, ILogger<ConformanceJobService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await job.RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Conformance job failed; it is tried again at the next poll");
            }
            await Task.Delay(options.Value.JobPollInterval, clock, stoppingToken);
        }
    }
}
