using System.Data.Common;
using Dapper;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Standards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Jobs;

/// <summary>What one day's run did.</summary>
public sealed record DailyJobResult(DateOnly Day, int Offerings, int Notifications)
{
    public override string ToString() => $"{Day:yyyy-MM-dd}: {Offerings} offerings re-evaluated, {Notifications} notifications";
}

/// <summary>
/// The daily conformance run: re-evaluates every offering for today, so evidence that expired and older standard versions
/// whose grace period ended change the status (with audit entries and notifications to the vendor and the subscribed
/// municipalities); announces new standard versions to vendors still on an older one; reminds vendors of evidence about to
/// expire. It runs once per day across all instances: the day's row in conformance_job_runs is claimed first.
/// </summary>
public sealed class ConformanceDailyJob
{
    private readonly ConformanceUnitOfWork _uow;
    private readonly ConformanceOptions _options;
    private readonly ILogger<ConformanceDailyJob> _logger;

    internal ConformanceDailyJob(ConformanceUnitOfWork uow, IOptions<ConformanceOptions> options, ILogger<ConformanceDailyJob> logger)
    {
        _uow = uow;
        _options = options.Value;
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
        var (heads, standards, before) = await _uow.ReadAsync(async s => (await s.PublishedHeadsAsync(),
            await StandardsSnapshot.LoadAsync(s.Connection, s.Transaction), await NotificationCountAsync(s)), ct);
        var today = DateOnly.FromDateTime(_uow.Clock.GetUtcNow().UtcDateTime);
        foreach (var head in heads)
        {
            try
            {
                await _uow.RunAsync(async s =>
                {
                    await s.RecomputeAsync(head.OfferingId, standards, Actor.Named("conformance-job"));
                    await AnnounceNewVersionsAsync(s, head, standards, today);
                    await RemindExpiringEvidenceAsync(s, head, today);
                }, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Conformance job failed for offering {Offering}", head.OfferingId);
            }
        }
        var after = await _uow.ReadAsync(NotificationCountAsync, ct);
        return new DailyJobResult(today, heads.Count, (int)(after - before));
    }

    private static Task<long> NotificationCountAsync(ConformanceStore s) =>
        s.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notifications", transaction: s.Transaction);

    /// <summary>A vendor still on an older version of a standard learns of the new one, and until when the old one counts.</summary>
    private static async Task AnnounceNewVersionsAsync(ConformanceStore s, OfferingHead head, StandardsSnapshot standards, DateOnly today)
    {
        var version = await s.VersionAsync(head.OfferingId, head.PublishedVersion!.Value);
        if (version is null) return;
        foreach (var claim in version.Descriptor.Standards)
        {
            if (!standards.Standards.TryGetValue(claim.Standard, out var standard) || standard.Version(claim.Version) is not { } claimed) continue;
            var newest = standard.InForce(today);
            if (newest.PublishedOn <= claimed.PublishedOn) continue;
            var graceEnds = standard.Versions.Where(v => v.PublishedOn > claimed.PublishedOn && v.PublishedOn <= today).Min(v => v.GraceEndsOn);
            var body = today < graceEnds
                ? $"Für {standard.Name} gilt seit {ConformanceEvaluator.Day(newest.PublishedOn)} Version {newest.Version}. „{version.Descriptor.Name}“ beansprucht Version {claim.Version}, die noch bis {ConformanceEvaluator.Day(graceEnds.AddDays(-1))} anerkannt wird. Bitte stellen Sie eine neue Version des Angebots mit den Nachweisen für {newest.Version} zur Prüfung ein."
                : $"Für {standard.Name} gilt Version {newest.Version}; Version {claim.Version}, die „{version.Descriptor.Name}“ beansprucht, wird seit {ConformanceEvaluator.Day(graceEnds)} nicht mehr anerkannt.";
            await s.NotifyAsync(RecipientTypes.Vendor, head.VendorId, "standard.new-version", head.OfferingId, claim.Standard,
                $"{standard.Name}: neue Version {newest.Version}", body, $"new-version:{head.OfferingId}:{claim.Standard}:{claim.Version}:{newest.Version}");
        }
    }

    private async Task RemindExpiringEvidenceAsync(ConformanceStore s, OfferingHead head, DateOnly today)
    {
        foreach (var e in await s.EvidenceAsync(head.OfferingId))
        {
            if (e.State != EvidenceStates.Accepted) continue;
            var expires = ConformanceEvaluator.Date(e.ExpiresOn);
            if (expires < today || expires > today.AddDays(_options.ExpiryWarningDays)) continue;
            await s.NotifyAsync(RecipientTypes.Vendor, head.VendorId, "evidence.expiring", head.OfferingId, e.StandardId,
                $"Nachweis {e.CriterionId} ({e.StandardId}) läuft am {e.ExpiresOn} ab",
                $"Der Nachweis „{e.FileName}“ von {e.Issuer} gilt bis {e.ExpiresOn}. Laden Sie rechtzeitig einen neuen hoch, sonst verliert das Angebot seine Konformität zu {e.StandardId}.",
                $"expiring:{e.Id}");
        }
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
