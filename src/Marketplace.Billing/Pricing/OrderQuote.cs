using Marketplace.Billing.Runs;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Billing.Pricing;

/// <summary>
/// What a municipality would order: plan, add-ons, from when, and how many units a month it expects per metered dimension.
/// A dimension it gives no figure for is estimated from its <paramref name="Population"/> where the vendor states a typical usage.
/// </summary>
public sealed record QuoteRequest(
    string OfferingId, string PlanId, IReadOnlyCollection<string> AddOnIds, DateTimeOffset Start,
    IReadOnlyDictionary<string, long> UsagePerMonth, long Population = 0);

/// <summary>One extra in a quote: its price as listed and what it adds to the first invoice and to the first twelve months.</summary>
public sealed record QuoteLine(
    string Kind, string ExtraId, string Name, string? Interval, long PriceCents, long FirstInvoiceCents, long TwelveMonthsCents);

/// <summary>
/// A metered dimension in a quote: its tiers above the included quantity, the expected usage (a full month, and the
/// part of it in the first, shorter month) and what that usage costs. <see cref="EstimatePerMonth"/> is the estimate
/// for the municipality's <see cref="Population"/> from the vendor's typical usage; null when the vendor states none.
/// </summary>
public sealed record QuoteUsage(
    string ExtraId, string Name, string Unit, long IncludedPerMonth, IReadOnlyList<PriceTier> Tiers, long ExpectedPerMonth,
    long ExpectedInFirstMonth, long PerFullMonthCents, long FirstInvoiceCents, long TwelveMonthsCents, long? EstimatePerMonth, long Population)
{
    /// <summary>Units a month above the included quantity at the expected usage.</summary>
    public long AboveIncludedPerMonth => Math.Max(0, ExpectedPerMonth - IncludedPerMonth);
}

/// <summary>
/// What an order costs before it is placed, computed by the billing run's own <see cref="InvoiceCalculator"/> on the
/// subscription the order would create, so the first invoice says what the quote said, to the cent. Amounts are net of VAT.
/// The standard package is shown with its list value and funder: the municipality does not pay it.
/// </summary>
public sealed record OrderQuote(
    string OfferingId, string PlanId, string Funder, long FundedValuePerMonthCents, BillingMonth FirstMonth,
    IReadOnlyList<QuoteLine> OneTime, IReadOnlyList<QuoteLine> AddOns, IReadOnlyList<QuoteUsage> Usage)
{
    /// <summary>The start the quote was calculated for: the first billable instant.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>The net amount of the invoice for the month the service starts in.</summary>
    public long FirstInvoiceCents => OneTime.Sum(l => l.FirstInvoiceCents) + AddOns.Sum(l => l.FirstInvoiceCents) + Usage.Sum(u => u.FirstInvoiceCents);

    /// <summary>The net amount of the first twelve months of service, from the start day on.</summary>
    public long TwelveMonthsCents => OneTime.Sum(l => l.TwelveMonthsCents) + AddOns.Sum(l => l.TwelveMonthsCents) + Usage.Sum(u => u.TwelveMonthsCents);

    /// <summary>What a full month costs once it runs: monthly add-ons at list price, yearly ones as a twelfth, and the expected usage.</summary>
    public long RecurringPerMonthCents =>
        AddOns.Sum(a => a.Interval == AddOnPrice.Yearly ? Money.DivideRounded(a.PriceCents, 12) : a.PriceCents)
        + Usage.Sum(u => u.PerFullMonthCents);

    private const string QuoteSubscription = "quote";

    /// <summary>The quote for <paramref name="request"/> at <paramref name="price"/>; add-ons the plan does not have are left out.</summary>
    public static OrderQuote Compute(PlanPrice price, QuoteRequest request, BillingCalendar calendar)
    {
        var addOns = price.Extras.Values.OfType<AddOnPrice>().Where(a => request.AddOnIds.Contains(a.ExtraId)).ToList();
        var fees = price.Extras.Values.OfType<SetupFeePrice>().ToList();
        var metered = price.Extras.Values.OfType<MeteredPrice>().ToList();
        // What the municipality said it expects, else the estimate for its population, else nothing: usage prices apply as listed.
        long Expected(MeteredPrice m) => Math.Max(0, request.UsagePerMonth.TryGetValue(m.ExtraId, out var given) ? given : m.EstimateFor(request.Population) ?? 0);
        var end = calendar.StartOf(calendar.LocalDate(request.Start).AddMonths(12));
        var period = new SubscriptionPeriod(QuoteSubscription, "", price.OfferingId, "", 1, price.PlanId,
            string.Join(',', addOns.Select(a => a.ExtraId)), request.Start, end);
        var due = fees.Select(f => new SetupFeeDue(QuoteSubscription, "", price.OfferingId, "", price.PlanId, f.ExtraId, request.Start)).ToList();
        var calculator = new InvoiceCalculator(calendar, new Dictionary<(string, string), PlanPrice> { [(price.OfferingId, price.PlanId)] = price });

        var first = calendar.MonthOf(request.Start);
        var last = calendar.MonthOf(end.AddTicks(-1));
        var months = new List<(BillingMonth Month, IReadOnlyList<UsageTotal> Usage, IReadOnlyList<DraftLine> Lines)>();
        for (var month = first; month <= last; month = month.Next)
        {
            var days = calendar.ChargedDays(month, request.Start, end);
            // Usage is expected evenly over the days of service: a start on the 16th of a 30-day month uses half a month.
            var usage = metered.Select(m => new UsageTotal(QuoteSubscription, m.ExtraId,
                Money.DivideRounded((Int128)Expected(m) * days, month.Days)))
                .Where(u => u.Quantity > 0).ToList();
            var charges = calculator.Calculate(month, [period], usage, due);
            months.Add((month, usage, charges.Invoices.SelectMany(i => i.Lines).ToList()));
        }

        long Sum(IEnumerable<DraftLine> lines, string kind, string extraId) => lines.Where(l => l.Kind == kind && l.ExtraId == extraId).Sum(l => l.AmountCents);
        long FirstUsage(string extraId) => months[0].Usage.Where(u => u.Dimension == extraId).Sum(u => u.Quantity);
        long First(string kind, string extraId) => Sum(months[0].Lines, kind, extraId);
        long Twelve(string kind, string extraId) => months.Sum(m => Sum(m.Lines, kind, extraId));

        return new OrderQuote(price.OfferingId, price.PlanId, price.Funder, price.ListValueCentsPerMonth, first,
            fees.OrderBy(f => f.ExtraId, StringComparer.Ordinal)
                .Select(f => new QuoteLine(ExtraKind.SetupFee, f.ExtraId, f.Name, null, f.PriceCents, First(ExtraKind.SetupFee, f.ExtraId), Twelve(ExtraKind.SetupFee, f.ExtraId))).ToList(),
            addOns.OrderBy(a => a.ExtraId, StringComparer.Ordinal)
                .Select(a => new QuoteLine(ExtraKind.AddOn, a.ExtraId, a.Name, a.Interval, a.PriceCents, First(ExtraKind.AddOn, a.ExtraId), Twelve(ExtraKind.AddOn, a.ExtraId))).ToList(),
            metered.OrderBy(m => m.ExtraId, StringComparer.Ordinal)
                .Select(m => new QuoteUsage(m.ExtraId, m.Name, m.Unit, m.IncludedPerMonth, m.Tiers, Expected(m),
                    FirstUsage(m.ExtraId), m.Charge(Expected(m)).Sum(c => c.AmountCents),
                    First(ExtraKind.Metered, m.ExtraId), Twelve(ExtraKind.Metered, m.ExtraId), m.EstimateFor(request.Population), request.Population)).ToList())
        { Start = request.Start };
    }
}

/// <summary>
/// Several offerings ordered together (a bundle, the Merkliste): each one's quote and the sums, so the combined summary
/// is the per-offering figures added up, never computed another way.
/// </summary>
public sealed record CombinedQuote(IReadOnlyList<OrderQuote> Items)
{
    public long FirstInvoiceCents => Items.Sum(q => q.FirstInvoiceCents);
    public long RecurringPerMonthCents => Items.Sum(q => q.RecurringPerMonthCents);
    public long TwelveMonthsCents => Items.Sum(q => q.TwelveMonthsCents);
}

/// <summary>A subscription an order created: what was ordered and when.</summary>
public sealed record OrderedSubscription(string SubscriptionId, string OfferingId, string PlanId, IReadOnlyList<string> AddOnIds, DateTimeOffset OrderedAt);

/// <summary>Quotes orders from the catalogue's current prices; what the order form, the order page and the quote API show.</summary>
public sealed class OrderQuotes(Database database, BillingCalendar calendar, PlanRecords plans, SubscriptionRecords subscriptions, MunicipalityDirectory municipalities)
{
    /// <summary>
    /// What a placed order costs, as its order form quoted it: each subscription from the day it became billable with the
    /// plan and add-ons booked then, which is what the billing run charges; one not billable yet as if it started at
    /// <paramref name="now"/>. Usage is estimated from the municipality's population. Null when a plan left the catalogue.
    /// </summary>
    public async Task<CombinedQuote?> QuoteOrderedAsync(string ags, IReadOnlyList<OrderedSubscription> ordered, DateTimeOffset now, CancellationToken ct = default)
    {
        if (ordered.Count == 0) return new CombinedQuote([]);
        IReadOnlyList<BilledPeriod> booked;
        await using (var c = await database.OpenAsync(ct))
            booked = await subscriptions.BilledPeriodsOfAsync(c, null, ordered.Select(o => o.SubscriptionId), ct);
        var requests = ordered.Select(o =>
        {
            // A renewed subscription has periods from before; the order's is the first that began after it was placed.
            var first = booked.Where(b => b.SubscriptionId == o.SubscriptionId && b.ValidFrom >= o.OrderedAt)
                .OrderBy(b => b.Seq).FirstOrDefault();
            return first is null
                ? new QuoteRequest(o.OfferingId, o.PlanId, o.AddOnIds, now, new Dictionary<string, long>())
                : new QuoteRequest(o.OfferingId, first.PlanId, first.AddonIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    first.ValidFrom, new Dictionary<string, long>());
        }).ToList();
        return await QuoteAllAsync(requests, ags, ct);
    }

    /// <summary>
    /// The quote, or null when the offering has no such plan. With <paramref name="ags"/>, usage the request gives no
    /// figure for is estimated from that municipality's population where the vendor states a typical usage.
    /// </summary>
    public async Task<OrderQuote?> QuoteAsync(QuoteRequest request, string? ags = null, CancellationToken ct = default) =>
        (await QuoteAllAsync([request], ags, ct))?.Items[0];

    /// <summary>The quotes of several offerings ordered together, or null when one of them has no such plan.</summary>
    public async Task<CombinedQuote?> QuoteAllAsync(IReadOnlyList<QuoteRequest> requests, string? ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var prices = await PriceCatalog.LoadAsync(plans, c, null, ct);
        var population = ags is null ? 0 : (await municipalities.GetAsync(c, null, ags, ct))?.Population ?? 0;
        var items = new List<OrderQuote>();
        foreach (var request in requests)
        {
            if (!prices.TryGetValue((request.OfferingId, request.PlanId), out var price)) return null;
            items.Add(OrderQuote.Compute(price, request.Population > 0 ? request : request with { Population = population }, calendar));
        }
        return new CombinedQuote(items);
    }
}
