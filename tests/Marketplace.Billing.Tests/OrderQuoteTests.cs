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
        new OrderQuotes(_world.Database, BillingCalendar.Berlin).QuoteAsync(
            new QuoteRequest(offering, plan, addOns, DateTimeOffset.Parse(Start), usage ?? []));

    /// <summary>Orders as the quote assumed: subscribed from the start, the fee due then, the expected usage metered, November billed.</summary>
    private async Task<Invoices.InvoiceDocument> OrderAndBillAsync(string id, string offering, OrderQuote quote, string addOns, bool setupFee)
    {
        await _world.SubscribeAsync(id, Muenchen, offering, new Period(Start, null, quote.PlanId, addOns));
        if (setupFee) await _world.SetupFeeAsync(id, "einrichtung", Start);
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
        foreach (var kind in new[] { ExtraKind.SetupFee, ExtraKind.AddOn, ExtraKind.Metered })
            Assert.That(invoice.Lines.Where(l => l.Kind == kind).Sum(l => l.AmountCents),
                Is.EqualTo(quote.OneTime.Concat(quote.AddOns).Where(l => l.Kind == kind).Sum(l => l.FirstInvoiceCents) + (kind == ExtraKind.Metered ? usage.FirstInvoiceCents : 0)), kind);
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
    }

    [Test]
    public async Task A_plan_the_offering_does_not_have_gets_no_quote() =>
        Assert.That(await QuoteAsync(Bauantrag, "standard", []), Is.Null);
}
