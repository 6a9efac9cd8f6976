using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Availability;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Community.Availability;

/// <summary>What one month's evaluation did.</summary>
public sealed record BreachEvaluation(string Month, int Evaluated, int NewBreaches)
{
    public override string ToString() => $"{Month}: {Evaluated} offerings measured, {NewBreaches} new SLA breaches";
}

/// <summary>
/// After a calendar month (UTC) ends, compares each published offering's measured availability in it with its promised
/// SLA, the promise in force during that month (<see cref="ISlaHistory.InForce"/>), not the newest version's. A month below it is flagged once: a row in availability_breaches (its key is offering and month, so a
/// second run flags nothing) and, in the same transaction, an audit entry "availability.sla-breach" from which the
/// notifier tells every municipality subscribed to the offering and the platform's auditors. Where the conformance
/// policy says so (catalog/policies/conformance.yaml, read through <see cref="IAvailabilityPolicy"/>; the option
/// <see cref="AvailabilityOptions.BreachIsConformanceFinding"/> overrides it), the breach is recorded as a conformance finding.
/// </summary>
public sealed class SlaBreachEvaluation(Database database, AuditTrail audit, CatalogSearchService catalogue, ISlaHistory history, IAvailabilityPolicy policy,
    TimeProvider clock, IOptions<AvailabilityOptions> options, ILogger<SlaBreachEvaluation> logger)
{
    public const string Action = "availability.sla-breach";
    public const string Actor = "system:availability";

    /// <summary>Evaluates the month before the current one unless some instance already did; null when it was not due.</summary>
    public async Task<BreachEvaluation?> RunIfDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var month = new DateOnly(now.Year, now.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        try
        {
            await using var c = await database.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            if (await c.ExecuteScalarAsync<long>(AvailabilitySql.EvaluationTaken, new { month }, tx) > 0) return null;
            await c.ExecuteAsync(AvailabilitySql.ClaimEvaluation, new { month, now }, tx);
            await tx.CommitAsync(ct);
        }
        catch (DbException)
        {
            return null; // another instance claimed the month in the same moment
        }
        var result = await EvaluateAsync(month, ct);
        await using (var c = await database.OpenAsync(ct))
            await c.ExecuteAsync(AvailabilitySql.FinishEvaluation, new { month, breaches = result.NewBreaches });
        logger.LogInformation("SLA evaluation: {Result}", result);
        return result;
    }

    /// <summary>Evaluates one month ("yyyy-MM"); months already flagged for an offering are left alone, so running it again changes nothing.</summary>
    public async Task<BreachEvaluation> EvaluateAsync(string month, CancellationToken ct = default)
    {
        var first = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var range = new { from = AvailabilityFigures.Day(first), to = AvailabilityFigures.Day(first.AddMonths(1).AddDays(-1)) };
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (!catalogue.IsReady) await catalogue.RefreshAsync(ct);
        var offerings = catalogue.Current.Catalog.Offerings.Where(o => o.Listing.Lifecycle != OfferingLifecycles.Retired)
            .ToDictionary(o => o.Descriptor.Id, StringComparer.Ordinal);
        var finding = (await options.Value.EffectivePolicyAsync(policy, ct)).BreachIsFinding;
        List<MonthTotal> totals;
        await using (var read = await database.OpenAsync(ct))
            totals = (await read.QueryAsync<MonthTotal>(new CommandDefinition(AvailabilitySql.MonthTotals, range, cancellationToken: ct))).ToList();
        // The promises are read before the transaction: the versions live in the conformance module's tables.
        var promises = new Dictionary<string, (long BasisPoints, int? Version)>(StringComparer.Ordinal);
        foreach (var t in totals)
        {
            if (!offerings.TryGetValue(t.OfferingId, out var offering) || t.Probes < options.Value.MinimumProbesPerMonth) continue;
            var inForce = ISlaHistory.InForce(await history.PublishedAsync(t.OfferingId, ct), start, start.AddMonths(1));
            promises[t.OfferingId] = ((long)decimal.Round((inForce?.Sla ?? offering.Descriptor.Sla).AvailabilityPercent * 100m), inForce?.Version);
        }
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var entries = new List<AuditEntry>();
        foreach (var t in totals)
        {
            if (!promises.TryGetValue(t.OfferingId, out var promise)) continue;
            var promised = promise.BasisPoints;
            // Exact: up/probes < promised/10000, compared in integers.
            if (t.Up * 10000 >= promised * t.Probes) continue;
            var breach = new SlaBreach(t.OfferingId, month, promised, t.Up * 10000 / t.Probes, t.Probes, finding,
                clock.GetUtcNow(), promise.Version);
            if (await c.ExecuteScalarAsync<long>(AvailabilitySql.BreachExists, breach, tx) > 0) continue;
            await c.ExecuteAsync(AvailabilitySql.InsertBreach, new
            {
                breach.OfferingId, breach.Month, breach.PromisedBasisPoints, breach.MeasuredBasisPoints, breach.Probes,
                Finding = breach.Finding ? 1 : 0, breach.FlaggedAt, breach.PromisedVersion,
            }, tx);
            entries.Add(new AuditEntry(Actor, null, Action, "offering", t.OfferingId, null, new JsonObject
            {
                ["month"] = month,
                ["promisedPercent"] = breach.PromisedPercent.ToString("0.00", CultureInfo.InvariantCulture),
                ["promisedVersion"] = breach.PromisedVersion,
                ["measuredPercent"] = breach.MeasuredPercent.ToString("0.00", CultureInfo.InvariantCulture),
                ["probes"] = t.Probes,
                ["conformanceFinding"] = breach.Finding,
            }));
        }
        if (entries.Count > 0) await audit.AppendAsync(c, tx, entries);
        await tx.CommitAsync(ct);
        return new BreachEvaluation(month, promises.Count, entries.Count);
    }

    private sealed class MonthTotal
    {
        public string OfferingId { get; init; } = "";
        public long Probes { get; init; }
        public long Up { get; init; }
    }
}
