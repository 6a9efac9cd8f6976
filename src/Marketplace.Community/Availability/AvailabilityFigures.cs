using System.Globalization;
using Dapper;
using Marketplace.Catalog.Availability;
using Microsoft.Extensions.Options;
using Marketplace.Storage;

namespace Marketplace.Community.Availability;

/// <summary>Measured availability over a window of whole UTC days ending today: probes, those up, and the share up (null without probes).</summary>
public sealed record MeasuredWindow(int Days, string From, string To, long Probes, long Up)
{
    /// <summary>Percent up, to two decimals (rounded down, so a figure never looks better than it was); null when nothing was measured.</summary>
    public decimal? Percent => Probes == 0 ? null : Math.Floor(Up * 10000m / Probes) / 100m;
}

/// <summary>A calendar month below the promised SLA, as flagged once.</summary>
/// <summary>PromisedVersion is the published version whose promise the month was judged against (null: flagged before versions were recorded).</summary>
public sealed record SlaBreach(string OfferingId, string Month, long PromisedBasisPoints, long MeasuredBasisPoints, long Probes, bool Finding, DateTimeOffset FlaggedAt,
    int? PromisedVersion)
{
    public decimal PromisedPercent => PromisedBasisPoints / 100m;
    public decimal MeasuredPercent => MeasuredBasisPoints / 100m;
}

/// <summary>The last probe of an offering's status URL.</summary>
public sealed record LastProbe(DateTimeOffset ProbedAt, bool Up, long? LatencyMs, int? StatusCode, string? Error);

/// <summary>
/// What the offering page, the comparison and the API show: the promised SLA, measured availability over 30 and 90 days,
/// where the status is read (the offering's own status URL, its broker connection's status page, or null: the vendor
/// publishes no status), the last probe, the months flagged as below the promise, and whether the conformance policy
/// makes such a month a conformance finding.
/// </summary>
public sealed record AvailabilityFacts(
    string OfferingId, decimal PromisedPercent, string? StatusSource, MeasuredWindow Last30Days, MeasuredWindow Last90Days,
    LastProbe? LastProbe, IReadOnlyList<SlaBreach> Breaches, bool BreachIsFinding)
{
    /// <summary>True when the platform has a status page to probe.</summary>
    public bool StatusUrlDeclared => StatusSource is not null;


    /// <summary>True when the 30-day figure is below the promise (a hint on the page, not yet a monthly breach).</summary>
    public bool Below30 => Last30Days.Percent is { } p && p < PromisedPercent;
}

/// <summary>Reads <see cref="AvailabilityFacts"/> from the per-day counts; windows are whole UTC days, today included.</summary>
public sealed class AvailabilityFigures(CommunityStore store, StatusPages statusPages, IAvailabilityPolicy policy, IOptions<AvailabilityOptions> options,
    TimeProvider clock)
{
    /// <summary>The newest flagged months of all offerings, for the auditors.</summary>
    public async Task<IReadOnlyList<SlaBreach>> RecentBreachesAsync(int limit, CancellationToken ct = default)
    {
        await using var c = await store.Database.OpenAsync(ct);
        return (await c.QueryAsync<BreachRow>(new CommandDefinition(AvailabilitySql.RecentBreaches(store.Database.Dialect), new { limit, offset = 0 },
            cancellationToken: ct))).Select(b => b.ToBreach()).ToList();
    }

    public async Task<AvailabilityFacts> ForOfferingAsync(string offeringId, CancellationToken ct = default)
    {
        var offering = store.Published(offeringId);
        var source = await statusPages.ForAsync(offering.Descriptor, ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var c = await store.Database.OpenAsync(ct);
        async Task<MeasuredWindow> WindowAsync(int days)
        {
            var from = Day(today.AddDays(1 - days));
            var to = Day(today);
            var t = await c.QuerySingleAsync<(long Probes, long Up)>(new CommandDefinition(AvailabilitySql.Totals, new { offering = offeringId, from, to }, cancellationToken: ct));
            return new MeasuredWindow(days, from, to, t.Probes, t.Up);
        }
        var last30 = await WindowAsync(30);
        var last90 = await WindowAsync(90);
        var last = await c.QuerySingleOrDefaultAsync<ProbeRow>(new CommandDefinition(AvailabilitySql.LastProbe(store.Database.Dialect),
            new { offering = offeringId, limit = 1, offset = 0 }, cancellationToken: ct));
        var breaches = (await c.QueryAsync<BreachRow>(new CommandDefinition(AvailabilitySql.Breaches, new { offering = offeringId }, cancellationToken: ct)))
            .Select(b => b.ToBreach()).ToList();
        return new AvailabilityFacts(offeringId, offering.Descriptor.Sla.AvailabilityPercent, source?.Kind, last30, last90,
            last is null ? null : new LastProbe(last.ProbedAt, last.Up != 0, last.LatencyMs, (int?)last.StatusCode, last.Error), breaches,
            (await options.Value.EffectivePolicyAsync(policy, ct)).BreachIsFinding);
    }

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal sealed class ProbeRow
    {
        public string OfferingId { get; init; } = "";
        public DateTimeOffset ProbedAt { get; init; }
        public long Up { get; init; }
        public long? LatencyMs { get; init; }
        public long? StatusCode { get; init; }
        public string? Error { get; init; }
    }

    internal sealed class BreachRow
    {
        public string OfferingId { get; init; } = "";
        public string Month { get; init; } = "";
        public long PromisedBasisPoints { get; init; }
        public long MeasuredBasisPoints { get; init; }
        public long Probes { get; init; }
        public long Finding { get; init; }
        public DateTimeOffset FlaggedAt { get; init; }
        public long? PromisedVersion { get; init; }
        public SlaBreach ToBreach() => new(OfferingId, Month, PromisedBasisPoints, MeasuredBasisPoints, Probes, Finding != 0, FlaggedAt, (int?)PromisedVersion);
    }
}
