using Marketplace.Billing.Pricing;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

/// <summary>
/// The cost summary of an order against the invoice the billing run later writes for it: for each price model (monthly
/// and yearly add-ons, a setup fee, graduated usage tiers) the quote's first invoice is the real first invoice, to the cent.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OrderQuoteTests(DatabaseEngine engine)
{
    private static readonly BillingMonth November = new(2026, 11);
    private const string Start = "2026-11-16T10:00:00+01:00";
    private BillingWorld _world = null!;

    [SetUp]
    public async Task SetUp() => _world = await BillingWorld.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private Task<OrderQuote?> QuoteAsync(string offering, string plan, string[] addOns, Dictionary<string, long>? usage = null) =>
        _world.Quotes.QuoteAsync(
            new QuoteRequest(offering, plan, addOns, DateTimeOffset.Parse(Start), usage ?? []));

    /// <summary>Orders as the quote assumed: subscribed from the start, the fee due then, the expected usage metered, November billed.</summary>
    private async Task<Invoices.InvoiceDocument> OrderAndBillAsync(string id, string offering, OrderQuote quote, string addOns, bool setupFee)
    {
        await _world.SubscribeAsync(id, Muenchen, offering, new Period(Start, null, quote.PlanId, addOns));
        if (setupFee) await _world.SetupFeeAsync(id, "einrichtung", Start);
        return await BillAsync(id, offering, quote);
    }

    /// <summary>The quoted usage of the first month metered, November billed: München's invoice.</summary>
    private async Task<Invoices.InvoiceDocument> BillAsync(string id, string offering, OrderQuote quote)
    {
        _world.Clock.Now = DateTimeOffset.Parse("2026-11-25T12:00:00Z");
        var events = quote.Usage.Where(u => u.ExpectedInFirstMonth > 0)
            .Select(u => Event($"{id}-{u.ExtraId}", id, u.ExtraId, u.ExpectedInFirstMonth, "2026-11-24T10:00:00Z")).ToList();
        if (events.Count > 0) await _world.Ingestion.IngestAsync(offering == Parken ? VendorB : VendorA, events);
        _world.Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");
        await _world.Runs.RunAsync(November, Admin);
        var invoice = (await _world.Invoices.ListForPeriodAsync(November)).Single(i => i.MunicipalityAgs == Muenchen);
        return (await _world.Invoices.GetAsync(invoice.Id))!;
    }

    [Test]
    public async Task Add_ons_monthly_and_yearly_a_setup_fee_and_tiered_usage_cost_on_the_first_invoice_what_the_quote_said()
    {
        var quote = (await QuoteAsync(Bauantrag, "gemeinde", ["support-plus", "archiv"], new() { ["antraege"] = 300 }))!;

        // Fifteen of thirty days: half of 31.00 a month, 15/365 of 365.00 a year; the fee in full; half of 300 Anträge, 10 of them included.
        Assert.That(quote.OneTime.Single().FirstInvoiceCents, Is.EqualTo(50_000));
        Assert.That(quote.AddOns.Select(a => (a.ExtraId, a.FirstInvoiceCents)), Is.EqualTo(new[] { ("archiv", 1500L), ("support-plus", 1550L) }));
        var usage = quote.Usage.Single();
        Assert.That((usage.ExpectedInFirstMonth, usage.FirstInvoiceCents), Is.EqualTo((150L, 100 * 2500L + 40 * 1800L)));
        Assert.That(usage.PerFullMonthCents, Is.EqualTo(100 * 2500L + 190 * 1800L));
        Assert.That((quote.Funder, quote.FundedValuePerMonthCents), Is.EqualTo(("Land Bayern", 8900L)), "the standard package is funded, not charged");

        var invoice = await OrderAndBillAsync("sub-q", Bauantrag, quote, "support-plus,archiv", setupFee: true);
        Assert.That(invoice.Invoice.NetCents, Is.EqualTo(quote.FirstInvoiceCents));
        AssertEveryLineAsQuoted(invoice, "sub-q", quote);
    }

    /// <summary>
    /// Each extra of the quote is on the invoice with the quoted amount (a metered one as its tier lines together), and
    /// the invoice has nothing for the subscription that the quote did not name.
    /// </summary>
    private static void AssertEveryLineAsQuoted(Invoices.InvoiceDocument invoice, string subscriptionId, OrderQuote quote)
    {
        var invoiced = invoice.Lines.Where(l => l.SubscriptionId == subscriptionId)
            .GroupBy(l => (l.Kind, l.ExtraId)).ToDictionary(g => g.Key, g => g.Sum(l => l.AmountCents));
        var quoted = quote.OneTime.Concat(quote.AddOns).Select(l => (Key: (l.Kind, l.ExtraId), Cents: l.FirstInvoiceCents))
            .Concat(quote.Usage.Select(u => (Key: (ExtraKind.Metered, u.ExtraId), Cents: u.FirstInvoiceCents)))
            .Where(x => x.Cents != 0).ToDictionary(x => x.Key, x => x.Cents);
        Assert.That(invoiced, Is.EquivalentTo(quoted), "per extra, to the cent");
        Assert.That(invoiced.Values.Sum(), Is.EqualTo(quote.FirstInvoiceCents));
    }

    [Test]
    public async Task A_placed_orders_quote_starts_when_billing_starts_with_what_was_booked_and_the_first_invoice_says_the_same_per_line()
    {
        // The vendor states 150 Bauanträge per 1,000 inhabitants a month; München is made a town of 2,000: 300 a month.
        await using (var c = await _world.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE plan_extras SET typical_milli_per_1000 = 150000 WHERE offering_id = @o AND extra_id = 'antraege'", new { o = Bauantrag });
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE municipalities SET population = 2000 WHERE ags = @ags", new { ags = Muenchen });
        }
        // Ordered on the 10th, provisioned and billable from the 16th with a monthly and a yearly add-on; the fee falls due then.
        await _world.SubscribeAsync("sub-o", Muenchen, Bauantrag, new Period(Start, null, "gemeinde", "support-plus,archiv"));
        await _world.SetupFeeAsync("sub-o", "einrichtung", Start);
        var quotes = _world.Quotes;
        var orderedAt = DateTimeOffset.Parse("2026-11-10T09:00:00+01:00");
        var now = DateTimeOffset.Parse("2026-11-20T12:00:00Z");
        var combined = (await quotes.QuoteOrderedAsync(Muenchen,
        [
            new OrderedSubscription("sub-o", Bauantrag, "gemeinde", ["support-plus"], orderedAt),
            new OrderedSubscription("sub-not-yet", Parken, "standard", [], orderedAt),
        ], now))!;
        var quote = combined.Items[0];
        Assert.That(quote.Start, Is.EqualTo(DateTimeOffset.Parse(Start)), "from the first billable instant");
        Assert.That(quote.AddOns.Select(a => a.ExtraId), Is.EqualTo(new[] { "archiv", "support-plus" }), "the add-ons booked");
        Assert.That((quote.OneTime.Single().FirstInvoiceCents, quote.Usage.Single().ExpectedInFirstMonth), Is.EqualTo((50_000L, 150L)));
        Assert.That(combined.Items[1].Start, Is.EqualTo(now), "not billable yet: as if it started now");

        var invoice = await BillAsync("sub-o", Bauantrag, quote);
        Assert.That(invoice.Invoice.NetCents, Is.EqualTo(quote.FirstInvoiceCents));
        AssertEveryLineAsQuoted(invoice, "sub-o", quote);
    }

    [Test]
    public async Task Twelve_months_add_up_a_year_of_add_ons_the_fee_once_and_twelve_months_of_usage()
    {
        var quote = (await QuoteAsync(Bauantrag, "gemeinde", ["support-plus", "archiv"], new() { ["antraege"] = 10 }))!;
        // From 16 November 2026 to 15 November 2027: a year of days, each month's line rounded once, so within a cent or two.
        Assert.That(quote.AddOns.Single(a => a.ExtraId == "support-plus").TwelveMonthsCents, Is.EqualTo(12 * 3100).Within(2));
        Assert.That(quote.AddOns.Single(a => a.ExtraId == "archiv").TwelveMonthsCents, Is.EqualTo(36_500).Within(2));
        Assert.That(quote.OneTime.Single().TwelveMonthsCents, Is.EqualTo(50_000));
        Assert.That(quote.Usage.Single().TwelveMonthsCents, Is.Zero, "ten Anträge a month are included");
        Assert.That(quote.TwelveMonthsCents, Is.EqualTo(quote.OneTime.Sum(l => l.TwelveMonthsCents) + quote.AddOns.Sum(l => l.TwelveMonthsCents)));
    }

    [Test]
    public async Task Usage_from_the_first_unit_and_a_plan_without_add_ons_match_the_first_invoice()
    {
        var quote = (await QuoteAsync(Parken, "standard", ["not-an-add-on"], new() { ["buchungen"] = 4000 }))!;
        Assert.That(quote.AddOns, Is.Empty, "an add-on the plan does not have is not quoted");
        Assert.That(quote.OneTime, Is.Empty);
        Assert.That(quote.Usage.Single().FirstInvoiceCents, Is.EqualTo(2000 * 10));

        var invoice = await OrderAndBillAsync("sub-p", Parken, quote, "", setupFee: false);
        Assert.That(invoice.Invoice.NetCents, Is.EqualTo(quote.FirstInvoiceCents));
        AssertEveryLineAsQuoted(invoice, "sub-p", quote);
    }

    [Test]
    public async Task Usage_estimated_from_the_population_costs_on_the_first_invoice_what_the_quote_said()
    {
        // The vendor states 150 Bauanträge per 1,000 inhabitants a month; München is made a town of 2,000: 300 a month.
        await using (var c = await _world.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE plan_extras SET typical_milli_per_1000 = 150000 WHERE offering_id = @o AND extra_id = 'antraege'", new { o = Bauantrag });
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE municipalities SET population = 2000 WHERE ags = @ags", new { ags = Muenchen });
        }
        var quotes = _world.Quotes;
        var quote = (await quotes.QuoteAsync(new QuoteRequest(Bauantrag, "gemeinde", ["support-plus", "archiv"], DateTimeOffset.Parse(Start), new Dictionary<string, long>()), Muenchen))!;

        var usage = quote.Usage.Single();
        Assert.That((usage.EstimatePerMonth, usage.Population, usage.ExpectedPerMonth, usage.AboveIncludedPerMonth), Is.EqualTo(((long?)300, 2000L, 300L, 290L)));
        Assert.That((usage.ExpectedInFirstMonth, usage.FirstInvoiceCents), Is.EqualTo((150L, 100 * 2500L + 40 * 1800L)), "half of the estimate in the half month");
        Assert.That(quote.TwelveMonthsCents, Is.EqualTo(quote.OneTime.Sum(l => l.TwelveMonthsCents) + quote.AddOns.Sum(l => l.TwelveMonthsCents) + usage.TwelveMonthsCents));
        // Eleven full months of the estimate and the two half months at either end, each with its full included quantity.
        Assert.That(usage.TwelveMonthsCents, Is.EqualTo(11 * (100 * 2500L + 190 * 1800L) + 2 * (100 * 2500L + 40 * 1800L)), "a year of the estimate is in the twelve-month total");

        var entered = (await quotes.QuoteAsync(new QuoteRequest(Bauantrag, "gemeinde", [], DateTimeOffset.Parse(Start), new Dictionary<string, long> { ["antraege"] = 20 }), Muenchen))!;
        Assert.That((entered.Usage.Single().ExpectedPerMonth, entered.Usage.Single().EstimatePerMonth), Is.EqualTo((20L, (long?)300)), "what the municipality enters wins over the estimate");

        var invoice = await OrderAndBillAsync("sub-e", Bauantrag, quote, "support-plus,archiv", setupFee: true);
        Assert.That(invoice.Invoice.NetCents, Is.EqualTo(quote.FirstInvoiceCents));
        AssertEveryLineAsQuoted(invoice, "sub-e", quote);
    }

    [Test]
    public async Task Without_a_typical_usage_nothing_is_estimated_and_usage_prices_apply_as_listed()
    {
        var quote = (await _world.Quotes.QuoteAsync(
            new QuoteRequest(Parken, "standard", [], DateTimeOffset.Parse(Start), new Dictionary<string, long>()), Muenchen))!;
        var usage = quote.Usage.Single();
        Assert.That((usage.EstimatePerMonth, usage.ExpectedPerMonth, usage.FirstInvoiceCents), Is.EqualTo(((long?)null, 0L, 0L)));
        Assert.That(usage.Tiers.Single().UnitPriceCents, Is.EqualTo(10), "the price table is still quoted");
    }

    [Test]
    public async Task Offerings_of_two_vendors_ordered_together_cost_on_their_first_invoices_what_the_combined_quote_said()
    {
        // The Merkliste or a bundle: add-ons monthly and yearly, a setup fee and tiered usage at one vendor, usage from the first unit at another.
        var combined = (await _world.Quotes.QuoteAllAsync(
        [
            new QuoteRequest(Bauantrag, "gemeinde", ["support-plus", "archiv"], DateTimeOffset.Parse(Start), new Dictionary<string, long> { ["antraege"] = 300 }),
            new QuoteRequest(Parken, "standard", [], DateTimeOffset.Parse(Start), new Dictionary<string, long> { ["buchungen"] = 4000 }),
        ], Muenchen))!;
        Assert.That(combined.FirstInvoiceCents, Is.EqualTo(combined.Items.Sum(i => i.FirstInvoiceCents)));
        Assert.That(combined.TwelveMonthsCents, Is.EqualTo(combined.Items.Sum(i => i.TwelveMonthsCents)));

        await _world.SubscribeAsync("sub-b1", Muenchen, Bauantrag, new Period(Start, null, "gemeinde", "support-plus,archiv"));
        await _world.SetupFeeAsync("sub-b1", "einrichtung", Start);
        await _world.SubscribeAsync("sub-b2", Muenchen, Parken, new Period(Start, null, "standard"));
        _world.Clock.Now = DateTimeOffset.Parse("2026-11-25T12:00:00Z");
        await _world.Ingestion.IngestAsync(VendorA, [Event("b1-antraege", "sub-b1", "antraege", combined.Items[0].Usage.Single().ExpectedInFirstMonth, "2026-11-24T10:00:00Z")]);
        await _world.Ingestion.IngestAsync(VendorB, [Event("b2-buchungen", "sub-b2", "buchungen", combined.Items[1].Usage.Single().ExpectedInFirstMonth, "2026-11-24T10:00:00Z")]);
        _world.Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");
        await _world.Runs.RunAsync(November, Admin);

        var invoices = (await _world.Invoices.ListForPeriodAsync(November)).Where(i => i.MunicipalityAgs == Muenchen).ToList();
        var documents = new List<Invoices.InvoiceDocument>();
        foreach (var i in invoices) documents.Add((await _world.Invoices.GetAsync(i.Id))!);
        Assert.That(documents.Sum(d => d.Invoice.NetCents), Is.EqualTo(combined.FirstInvoiceCents), "the first invoices of the order, to the cent");
        Assert.That(documents.SelectMany(d => d.Lines).Where(l => l.SubscriptionId == "sub-b2").Sum(l => l.AmountCents), Is.EqualTo(combined.Items[1].FirstInvoiceCents));
    }

    [Test]
    public async Task A_plan_the_offering_does_not_have_gets_no_quote() =>
        Assert.That(await QuoteAsync(Bauantrag, "standard", []), Is.Null);
}
