using System.Data.Common;
using System.Globalization;
using Dapper;
using Marketplace.Catalog;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Storage;
using Marketplace.Storage.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Community.Availability;

/// <summary>One probe of one status URL: when, whether it answered 2xx in time, how fast, and what went wrong otherwise.</summary>
public sealed record ProbeResult(string OfferingId, DateTimeOffset ProbedAt, int Up, long? LatencyMs, int? StatusCode, string? Error)
{
    public bool IsUp => Up == 1;
}

/// <summary>An offering's status URL as the prober asks it.</summary>
public sealed record StatusTarget(string OfferingId, Uri Url);

/// <summary>What one round did.</summary>
public sealed record ProbeRound(DateTimeOffset Slot, int Probed, int Up)
{
    public override string ToString() => $"{StoredTimestamp.Format(Slot)}: {Probed} status URLs probed, {Up} up";
}

/// <summary>
/// Probes every published offering's status page (its sla.statusUrl, else the one declared on its broker connection: see
/// <see cref="StatusPages"/>) once per <see cref="AvailabilityOptions.ProbeInterval"/>
/// across all instances: the interval's row in availability_rounds is claimed first, and its primary key lets exactly
/// one instance through. Calls go through the outbound policy (public addresses only, checked at connect time, no
/// redirects followed: a 3xx counts as down and names where it pointed), at most <see cref="AvailabilityOptions.MaxConcurrentProbes"/>
/// at once, each after a random jitter and under a timeout. A probe is up when the URL answers 2xx within the timeout.
/// The round's results and the per-day counts are written in one transaction.
/// </summary>
public sealed class AvailabilityProber(Database database, IHttpClientFactory http, CatalogSearchService catalogue, StatusPages statusPages, TimeProvider clock,
    IOptions<AvailabilityOptions> options, IOptions<CatalogOptions> catalog, ILogger<AvailabilityProber> logger)
{
    public const string HttpClientName = "availability";
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The start of the interval <paramref name="at"/> falls in, as the round's key.</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset at, TimeSpan interval) =>
        new(at.UtcTicks - at.UtcTicks % interval.Ticks, TimeSpan.Zero);

    /// <summary>Probes the catalogue's status URLs for the current interval unless some instance already claimed it; null when it was not due.</summary>
    public Task<ProbeRound?> RunIfDueAsync(CancellationToken ct = default) => RunIfDueAsync(null, ct);

    /// <summary>As <see cref="RunIfDueAsync(CancellationToken)"/>, for the given targets (null: the published offerings' status URLs).</summary>
    public async Task<ProbeRound?> RunIfDueAsync(IReadOnlyList<StatusTarget>? targets, CancellationToken ct = default)
    {
        var o = options.Value;
        var slot = SlotOf(clock.GetUtcNow(), o.ProbeInterval);
        try
        {
            await using var c = await database.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            if (await c.ExecuteScalarAsync<long>(AvailabilitySql.RoundTaken, new { slot }, tx) > 0) return null;
            await c.ExecuteAsync(AvailabilitySql.ClaimRound, new { slot, instance = _instance, now = Now() }, tx);
            await tx.CommitAsync(ct);
        }
        catch (DbException)
        {
            return null; // another instance claimed the interval in the same moment: the primary key let exactly one through
        }

        var results = await ProbeAllAsync(targets ?? await TargetsAsync(ct), ct);
        await RecordAsync(slot, results, ct);
        var round = new ProbeRound(slot, results.Count, results.Count(r => r.IsUp));
        logger.LogInformation("Availability: {Round}", round);
        return round;
    }

    /// <summary>The published offerings with a status page the platform may call (their own or their broker connection's).</summary>
    public async Task<IReadOnlyList<StatusTarget>> TargetsAsync(CancellationToken ct = default)
    {
        if (!catalogue.IsReady) await catalogue.RefreshAsync(ct);
        var allowHttp = catalog.Value.AllowHttpStatusUrls != false;
        var sources = await statusPages.ResolveAsync(catalogue.Current.Catalog.Offerings.Where(o => o.Listing.Lifecycle != OfferingLifecycles.Retired)
            .Select(o => o.Descriptor), ct);
        var list = new List<StatusTarget>();
        foreach (var (offeringId, source) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (allowHttp && url.Scheme == Uri.UriSchemeHttp)))
            {
                logger.LogWarning("Offering {Offering}: status URL {Url} ({Source}) is not probed (https only)", offeringId, source.Url, source.Kind);
                continue;
            }
            list.Add(new StatusTarget(offeringId, url));
        }
        return list;
    }

    private async Task<IReadOnlyList<ProbeResult>> ProbeAllAsync(IReadOnlyList<StatusTarget> targets, CancellationToken ct)
    {
        var results = new ProbeResult[targets.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxConcurrentProbes), CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), parallel, async (i, itemCt) =>
        {
            var jitter = options.Value.MaxJitter;
            if (jitter > TimeSpan.Zero) await Task.Delay(TimeSpan.FromTicks(Random.Shared.NextInt64(jitter.Ticks)), clock, itemCt);
            results[i] = await ProbeAsync(targets[i].OfferingId, targets[i].Url, itemCt);
        });
        return results;
    }

    /// <summary>One GET of the status URL; every failure is a down probe with its reason, never an exception.</summary>
    public async Task<ProbeResult> ProbeAsync(string offeringId, Uri url, CancellationToken ct)
    {
        var at = Now();
        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.Value.ProbeTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/html;q=0.8");
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var latency = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new ProbeResult(offeringId, at, 1, latency, code, null);
            var error = code is >= 300 and < 400
                ? $"redirect to {response.Headers.Location} not followed; declare the final status URL"
                : $"HTTP {code}";
            return new ProbeResult(offeringId, at, 0, latency, code, Limit(error));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new ProbeResult(offeringId, at, 0, null, null, $"timeout after {options.Value.ProbeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e) when (FindNonPublic(e) is { } refused)
        {
            return new ProbeResult(offeringId, at, 0, null, null, Limit("refused by the outbound policy: " + refused.Message));
        }
        catch (HttpRequestException e)
        {
            return new ProbeResult(offeringId, at, 0, null, null, Limit("unreachable: " + e.Message));
        }
    }

    private static NonPublicAddressException? FindNonPublic(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is NonPublicAddressException n) return n;
        return null;
    }

    /// <summary>The round's results and the per-day counts in one transaction; raw results past their retention go.</summary>
    private async Task RecordAsync(DateTimeOffset slot, IReadOnlyList<ProbeResult> results, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var r in results) await c.ExecuteAsync(AvailabilitySql.InsertProbe, r, tx);
        foreach (var day in results.GroupBy(r => (r.OfferingId, Day: AvailabilityFigures.Day(DateOnly.FromDateTime(r.ProbedAt.UtcDateTime)))))
            await CountAsync(c, tx, day.Key.OfferingId, day.Key.Day, day.Count(), day.Count(r => r.IsUp));
        var now = clock.GetUtcNow();
        await c.ExecuteAsync(AvailabilitySql.PruneProbes, new { before = now.AddDays(-options.Value.RawRetentionDays) }, tx);
        await c.ExecuteAsync(AvailabilitySql.PruneRounds, new { before = now.AddDays(-options.Value.RawRetentionDays) }, tx);
        await c.ExecuteAsync(AvailabilitySql.FinishRound, new { slot, now = Now(), probed = results.Count }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds probes to an offering's day (the one writer per interval is the round's claimer).</summary>
    internal static async Task CountAsync(DbConnection c, DbTransaction tx, string offering, string day, int probes, int up)
    {
        if (await c.ExecuteAsync(AvailabilitySql.CountDay, new { offering, day, probes, up }, tx) == 0)
            await c.ExecuteAsync(AvailabilitySql.InsertDay, new { offering, day, probes, up }, tx);
    }

    private DateTimeOffset Now() => clock.GetUtcNow();

    private static string Limit(string text) => text.Length <= 500 ? text : text[..500];
}
