using Dapper;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Billing.Overview;

/// <summary>One metered dimension of one subscription in a month: included units, units used so far, and the month projected.</summary>
public sealed record UsageMeter(
    string SubscriptionId, string OfferingId, string OfferingName, string PlanId, string Dimension, string DimensionName, string Unit,
    long Included, long Used, long Projected)
{
    /// <summary>Units above the included quantity so far.</summary>
    public long Above => Math.Max(0, Used - Included);
}

/// <summary>
/// A municipality's month so far: its meters and the extras forecast, that is what the month would cost if usage went on
/// at the pace of the days elapsed (add-ons for the whole month, setup fees due, usage projected per dimension and tier).
/// </summary>
public sealed record MunicipalityUsage(
    string Period, int DaysElapsed, int DaysInMonth, IReadOnlyList<UsageMeter> Meters, IReadOnlyList<DraftLine> ForecastLines,
    long ForecastNetCents, long ForecastVatCents)
{
    public long ForecastGrossCents => ForecastNetCents + ForecastVatCents;
}

/// <summary>Usage a vendor received for one offering and dimension in a month.</summary>
public sealed record VendorUsage(string OfferingId, string OfferingName, string Dimension, long Events, long Quantity, DateTimeOffset? LastReceivedAt);

/// <summary>Net revenue of one offering in one month, from issued invoices less what credit notes credited.</summary>
public sealed record VendorRevenue(string Period, string OfferingId, string OfferingName, long Invoices, long NetCents);

/// <summary>The read models behind the municipality's usage view and the vendor's revenue view.</summary>
public sealed class BillingOverviewService(
    Database database, BillingRunService runs, BillingCalendar calendar, TimeProvider clock, SubscriptionRecords subscriptions, OfferingRecords offerings)
{
    // Property-mapped: COUNT and SUM come back as Int32/Int64/decimal depending on the engine.
    private sealed class VendorUsageRow
    {
        public string SubscriptionId { get; init; } = "";
        public string Dimension { get; init; } = "";
        public long Events { get; init; }
        public long Quantity { get; init; }
        public DateTimeOffset? LastReceivedAt { get; init; }
    }

    private sealed class RevenueRow
    {
        public string Period { get; init; } = "";
        public string OfferingId { get; init; } = "";
        public string OfferingName { get; init; } = "";
        public long Invoices { get; init; }
        public long NetCents { get; init; }
    }

    /// <summary>The month the billing calendar is in now.</summary>
    public BillingMonth CurrentMonth => calendar.MonthOf(clock.GetUtcNow());

    /// <summary>Meters and forecast of <paramref name="ags"/> for <paramref name="month"/> (the current month when null).</summary>
    public async Task<MunicipalityUsage> MunicipalityUsageAsync(string ags, BillingMonth? month = null, CancellationToken ct = default)
    {
        var m = month ?? CurrentMonth;
        var today = calendar.LocalDate(clock.GetUtcNow());
        // Days with usage so far, today included; a past month is complete, a future one has nothing to project.
        var elapsed = m < BillingMonth.Of(today) ? m.Days : m == BillingMonth.Of(today) ? today.Day : 0;
        UsageTotal Project(UsageTotal u) => elapsed == 0 ? u : u with { Quantity = Money.DivideRounded((Int128)u.Quantity * m.Days, elapsed) };

        await using var c = await database.OpenAsync(ct);
        var booked = (await runs.PeriodsAsync(c, null, m, ags, ct))
            .Where(p => calendar.ChargedDays(m, p.ValidFrom, p.ValidTo) > 0)
            .GroupBy(p => p.SubscriptionId).Select(g => g.MaxBy(p => p.Seq)!).ToList();
        var used = (await runs.UsageAsync(c, null, m, booked.Select(p => p.SubscriptionId), ct)).ToDictionary(u => (u.SubscriptionId, u.Dimension), u => u.Quantity);
        var prices = await runs.PricesAsync(c, null, ct);

        var meters = new List<UsageMeter>();
        foreach (var p in booked.OrderBy(p => p.OfferingName, StringComparer.Ordinal))
        {
            if (!prices.TryGetValue((p.OfferingId, p.PlanId), out var price)) continue;
            foreach (var metered in price.Extras.Values.OfType<MeteredPrice>().OrderBy(x => x.Name, StringComparer.Ordinal))
            {
                var quantity = used.GetValueOrDefault((p.SubscriptionId, metered.ExtraId));
                meters.Add(new UsageMeter(p.SubscriptionId, p.OfferingId, p.OfferingName, p.PlanId, metered.ExtraId, metered.Name, metered.Unit,
                    metered.IncludedPerMonth, quantity, Project(new UsageTotal(p.SubscriptionId, metered.ExtraId, quantity)).Quantity));
            }
        }

        var forecast = (await runs.CalculateAsync(c, null, m, ct, ags, Project)).Invoices.SingleOrDefault(i => i.MunicipalityAgs == ags);
        var lines = forecast?.Lines ?? [];
        var net = forecast?.NetCents ?? 0;
        return new MunicipalityUsage(m.Period, elapsed, m.Days, meters, lines, net, forecast?.VatCents ?? 0);
    }

    /// <summary>What the vendor received in <paramref name="month"/>, per offering and dimension, by offering name and dimension.</summary>
    public async Task<IReadOnlyList<VendorUsage>> VendorUsageAsync(string vendorId, BillingMonth month, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var received = await c.QueryAsync<VendorUsageRow>(new CommandDefinition(BillingSql.UsageReceivedByVendor, new { vendorId, period = month.Period }, cancellationToken: ct));
        var offeringOf = await subscriptions.OfferingsOfVendorAsync(c, null, vendorId, ct);
        var names = await offerings.OfVendorAsync(c, null, vendorId, ct);
        return received
            .Select(r => (Row: r, Offering: offeringOf.GetValueOrDefault(r.SubscriptionId)))
            .Where(x => x.Offering is not null && names.ContainsKey(x.Offering))
            .GroupBy(x => (Offering: x.Offering!, x.Row.Dimension))
            .Select(g => new VendorUsage(g.Key.Offering, names[g.Key.Offering], g.Key.Dimension, g.Sum(x => x.Row.Events), g.Sum(x => x.Row.Quantity),
                g.Select(x => x.Row.LastReceivedAt).Max()))
            .OrderBy(u => u.OfferingName, StringComparer.Ordinal).ThenBy(u => u.Dimension, StringComparer.Ordinal).ToList();
    }

    /// <summary>Net revenue per month and offering from issued invoices, months <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<VendorRevenue>> VendorRevenueAsync(string vendorId, BillingMonth from, BillingMonth to, CancellationToken ct = default)
    {
        if (to < from) throw RequestValidationException.Coded("to", "months.reversed", "Der letzte Monat („to“) liegt vor dem ersten („from“).");
        await using var c = await database.OpenAsync(ct);
        var offeringIds = (await offerings.OfVendorAsync(c, null, vendorId, ct)).Keys.ToArray();
        if (offeringIds.Length == 0) return [];
        return (await c.QueryAsync<RevenueRow>(new CommandDefinition(BillingSql.RevenueOfOfferings(database.Dialect),
                new { offeringIds, from = from.Period, to = to.Period }, cancellationToken: ct)))
            .Select(r => new VendorRevenue(r.Period, r.OfferingId, r.OfferingName, r.Invoices, r.NetCents)).ToList();
    }
}
