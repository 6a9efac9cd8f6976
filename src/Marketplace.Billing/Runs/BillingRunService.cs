using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Runs;

// Classes where a column is computed (CAST, SUM): SQLite types such a column by its values, PostgreSQL by the expression,
// and Dapper converts between them only when it sets properties.
internal sealed class UsageRow
{
    public string SubscriptionId { get; init; } = "";
    public string Dimension { get; init; } = "";
    public long Quantity { get; init; }
}

/// <summary>A billing run as stored: its month, who started it, and what it invoiced.</summary>
public sealed record BillingRun(
    string Id, string Period, DateTimeOffset StartedAt, DateTimeOffset CompletedAt, string ActorUserId, long InvoiceCount, long NetCents, long VatCents, long GrossCents);

/// <summary>The outcome of one run: the run, and how many municipalities had an invoice for the month already.</summary>
public sealed record BillingRunResult(BillingRun Run, int InvoicesAlreadyPresent, IReadOnlyList<string> Problems);

/// <summary>
/// Bills a month: closes it for usage, prices what every municipality booked and used in it, and writes one draft invoice
/// per municipality that owes something, all in one transaction with its audit entries. Running a month again creates
/// only the invoices still missing (none, unless history was added late) and never touches an existing one.
/// </summary>
public sealed class BillingRunService(
    Database database, AuditTrail audit, BillingCalendar calendar, TimeProvider clock, IOptions<BillingOptions> options, ILogger<BillingRunService> logger,
    SubscriptionRecords subscriptions, OfferingRecords offerings, PlanRecords plans)
{
    public async Task<BillingRunResult> RunAsync(BillingMonth month, Actor actor, CancellationToken ct = default)
    {
        var started = clock.GetUtcNow();
        if (calendar.StartOf(month.EndDay) > started)
            throw RequestValidationException.Coded("period", "billing-run.month-not-ended",
                $"Der Monat {month} ist noch nicht zu Ende; abrechnen lässt er sich ab {month.EndDay:yyyy-MM-dd}.", month.Period, month.EndDay.ToString("yyyy-MM-dd"));

        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // The month's row, locked for update: usage batches for it wait, and see it closed once this commits;
        // a second run of the same month waits here and then finds every invoice already written.
        var state = (await BillingStore.LockPeriodsAsync(c, tx, database.Dialect, [month.Period], RowLock.Update, ct))[month.Period];
        if (state == "open")
        {
            await c.ExecuteAsync(new CommandDefinition(BillingSql.ClosePeriod, new { period = month.Period, closedAt = started }, tx, cancellationToken: ct));
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.period.close", "billing_period", month.Period,
                JsonSerializer.SerializeToNode(new { state = "open" }), JsonSerializer.SerializeToNode(new { state = "closed" })));
        }

        var charges = await CalculateAsync(c, tx, month, ct);
        var present = (await c.QueryAsync<string>(new CommandDefinition(BillingSql.InvoicedMunicipalities, new { period = month.Period }, tx, cancellationToken: ct)))
            .ToHashSet(StringComparer.Ordinal);
        var toWrite = charges.Invoices.Where(i => !present.Contains(i.MunicipalityAgs)).ToList();

        var runId = Guid.CreateVersion7(started).ToString();
        var nextNumber = await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.InvoiceCount, new { period = month.Period }, tx, cancellationToken: ct)) + 1;
        var written = toWrite.Select((d, i) => new Written(Guid.CreateVersion7(started).ToString(),
            $"{options.Value.InvoiceNumberPrefix}-{month.Year:D4}{month.Month:D2}-{nextNumber + i:D6}", d, d.VatCents)).ToList();
        var run = new BillingRun(runId, month.Period, started, clock.GetUtcNow(), actor.UserId,
            written.Count, written.Sum(w => w.Draft.NetCents), written.Sum(w => w.VatCents), written.Sum(w => w.Draft.NetCents + w.VatCents));

        await c.ExecuteAsync(new CommandDefinition(BillingSql.InsertRun, run, tx, cancellationToken: ct));
        await InsertInvoicesAsync(c, tx, month, run, written, ct);
        // One entry for the run names every invoice it created with its amounts; the invoices' later state changes get their own.
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.run", "billing_run", runId, null,
            JsonSerializer.SerializeToNode(new
            {
                period = month.Period, run.InvoiceCount, run.NetCents, run.VatCents, run.GrossCents,
                invoices = written.Select(w => new
                {
                    w.Id, w.Number, ags = w.Draft.MunicipalityAgs, netCents = w.Draft.NetCents, w.VatCents,
                    vat = w.Draft.VatGroups.Select(g => new { g.Treatment.Category, g.Treatment.RateBasisPoints, g.TaxableCents, g.VatCents }),
                }),
            })));
        await tx.CommitAsync(ct);

        foreach (var problem in charges.Problems) logger.LogWarning("Billing run {Period}: {Problem}", month.Period, problem);
        logger.LogInformation("Billing run {Period}: {Count} invoices, {Present} already present, net {Net} cents",
            month.Period, run.InvoiceCount, present.Count, run.NetCents);
        BillingMetrics.Record(run);
        return new BillingRunResult(run, present.Count, charges.Problems);
    }

    /// <summary>
    /// What the month costs each municipality, read inside the caller's transaction. The extras forecast passes one
    /// municipality (<paramref name="ags"/>) and a projection of the usage so far to the whole month.
    /// </summary>
    internal async Task<MonthCharges> CalculateAsync(DbConnection c, DbTransaction? tx, BillingMonth month, CancellationToken ct,
        string? ags = null, Func<UsageTotal, UsageTotal>? project = null)
    {
        // The text bounds carry a day of margin on both sides; the calculator cuts the month exactly in its time zone.
        var (from, to) = (BillingStore.Date(month.FirstDay.AddDays(-1)), BillingStore.Date(month.EndDay.AddDays(1)));
        var prices = await PricesAsync(c, tx, ct);
        var periods = await PeriodsAsync(c, tx, month, ags, ct);
        var usage = await UsageAsync(c, tx, month, ags is null ? null : periods.Select(p => p.SubscriptionId), ct);
        if (project is not null) usage = usage.Select(project).ToList();
        var due = await subscriptions.SetupFeesDueAsync(c, tx, from, to, ags, ct);
        var names = await offerings.NamesAsync(c, tx, due.Select(f => f.OfferingId));
        var fees = due.Select(f => new SetupFeeDue(f.SubscriptionId, f.MunicipalityAgs, f.OfferingId, names.GetValueOrDefault(f.OfferingId, ""), f.PlanId,
            f.ExtraId, f.DueAt));
        return new InvoiceCalculator(calendar, prices, options.Value.DefaultVat).Calculate(month, periods, usage, fees);
    }

    /// <summary>
    /// The month's usage per subscription and dimension, of every subscription or of <paramref name="subscriptionIds"/>. One
    /// municipality's are those of its billable history in the month: usage is only taken while a plan is booked.
    /// </summary>
    internal async Task<IReadOnlyList<UsageTotal>> UsageAsync(DbConnection c, DbTransaction? tx, BillingMonth month, IEnumerable<string>? subscriptionIds,
        CancellationToken ct)
    {
        var ids = subscriptionIds?.Distinct(StringComparer.Ordinal).ToArray();
        if (ids is { Length: 0 }) return [];
        return (await c.QueryAsync<UsageRow>(new CommandDefinition(ids is null ? BillingSql.UsageTotals : BillingSql.UsageTotalsOf(database.Dialect),
            new { period = month.Period, ids }, tx, cancellationToken: ct))).Select(u => new UsageTotal(u.SubscriptionId, u.Dimension, u.Quantity)).ToList();
    }

    /// <summary>Every plan's prices, read inside the caller's transaction.</summary>
    internal Task<IReadOnlyDictionary<(string OfferingId, string PlanId), PlanPrice>> PricesAsync(DbConnection c, DbTransaction? tx, CancellationToken ct) =>
        PriceCatalog.LoadAsync(plans, c, tx, ct);

    /// <summary>The billable history overlapping the month (a day of margin on both sides), of every municipality or of <paramref name="ags"/>, with the offerings' names.</summary>
    internal async Task<IReadOnlyList<SubscriptionPeriod>> PeriodsAsync(DbConnection c, DbTransaction? tx, BillingMonth month, string? ags, CancellationToken ct)
    {
        var booked = await subscriptions.BilledPeriodsAsync(c, tx, BillingStore.Date(month.FirstDay.AddDays(-1)), BillingStore.Date(month.EndDay.AddDays(1)), ags, ct);
        var names = await offerings.NamesAsync(c, tx, booked.Select(p => p.OfferingId));
        return booked.Select(p => new SubscriptionPeriod(p.SubscriptionId, p.MunicipalityAgs, p.OfferingId, names.GetValueOrDefault(p.OfferingId, ""), p.Seq,
            p.PlanId, p.AddonIds, p.ValidFrom, p.ValidTo)).ToList();
    }

    public async Task<IReadOnlyList<BillingRun>> ListAsync(int limit = 50, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<BillingRun>(new CommandDefinition(BillingSql.Runs(database.Dialect), new { limit, offset }, cancellationToken: ct))).ToList();
    }

    private sealed record Written(string Id, string Number, DraftInvoice Draft, long VatCents);

    private async Task InsertInvoicesAsync(DbConnection c, DbTransaction tx, BillingMonth month, BillingRun run, List<Written> written, CancellationToken ct)
    {
        if (written.Count == 0) return;
        var now = StoredTimestamp.Format(run.CompletedAt);
        string[] Each(Func<Written, string> f) => written.Select(f).ToArray();
        long[] EachLong(Func<Written, long> f) => written.Select(f).ToArray();
        BulkColumn[] invoices =
        [
            new("id", Each(w => w.Id)), new("number", Each(w => w.Number)), new("municipality_ags", Each(w => w.Draft.MunicipalityAgs)),
            new("period", Each(_ => month.Period)), new("billing_run_id", Each(_ => run.Id)), new("state", Each(_ => InvoiceStates.Draft)),
            new("currency", Each(_ => Money.Currency)), new("net_cents", EachLong(w => w.Draft.NetCents)),
            new("vat_rate_basis_points", EachLong(w => w.Draft.TopRateBasisPoints)), new("vat_cents", EachLong(w => w.VatCents)),
            new("gross_cents", EachLong(w => w.Draft.NetCents + w.VatCents)), new("period_start", Each(_ => BillingStore.Date(month.FirstDay))),
            new("period_end", Each(_ => BillingStore.Date(month.LastDay))), new("created_at", Each(_ => now)), new("updated_at", Each(_ => now)),
        ];
        await BillingStore.InsertIgnoringDuplicatesAsync(c, tx, database.Dialect, "invoices", invoices, ["id"], null, ct);

        var lines = written.SelectMany(w => w.Draft.Lines.Select((l, i) => (w.Id, No: i + 1, Line: l))).ToList();
        string[] L(Func<DraftLine, string> f) => lines.Select(x => f(x.Line)).ToArray();
        long[] LL(Func<DraftLine, long> f) => lines.Select(x => f(x.Line)).ToArray();
        BulkColumn[] lineColumns =
        [
            new("invoice_id", lines.Select(x => x.Id).ToArray()), new("line_no", lines.Select(x => (long)x.No).ToArray()), new("kind", L(l => l.Kind)),
            new("subscription_id", L(l => l.SubscriptionId)), new("offering_id", L(l => l.OfferingId)), new("offering_name", L(l => l.OfferingName)),
            new("plan_id", L(l => l.PlanId)), new("extra_id", L(l => l.ExtraId)), new("extra_name", L(l => l.ExtraName)),
            new("tier_no", lines.Select(x => (long?)x.Line.TierNo).ToArray()), new("unit", L(l => l.Unit)), new("quantity", LL(l => l.Quantity)),
            new("unit_price_cents", LL(l => l.UnitPriceCents)), new("price_base", LL(l => l.PriceBase)), new("amount_cents", LL(l => l.AmountCents)),
            new("service_from", L(l => BillingStore.Date(l.ServiceFrom))), new("service_to", L(l => BillingStore.Date(l.ServiceTo))),
            new("vat_category", L(l => l.Vat.Category)), new("vat_rate_basis_points", LL(l => l.Vat.RateBasisPoints)),
            new("vat_exemption_reason", lines.Select(x => x.Line.Vat.ExemptionReason).ToArray()),
            new("vat_exemption_code", lines.Select(x => x.Line.Vat.ExemptionCode).ToArray()),
        ];
        await BillingStore.InsertIgnoringDuplicatesAsync(c, tx, database.Dialect, "invoice_lines", lineColumns, ["invoice_id", "line_no"], null, ct);
    }
}

/// <summary>The states of an invoice: draft → finalized → paid (payment_failed on the way), or void.</summary>
public static class InvoiceStates
{
    public const string Draft = "draft";
    public const string Finalized = "finalized";
    public const string PaymentFailed = "payment_failed";
    public const string Paid = "paid";
    public const string Void = "void";
}
