using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using NUnit.Framework;

namespace Marketplace.Billing.Tests;

/// <summary>The pure pricing of a month: proration, tiers, setup fees, and who gets an invoice at all.</summary>
public class InvoiceCalculatorTests
{
    private static readonly Dictionary<(string, string), PlanPrice> Prices = new()
    {
        [("bau", "gemeinde")] = new PlanPrice("bau", "gemeinde", "Land Bayern", 8900, new Dictionary<string, ExtraPrice>
        {
            ["support"] = new AddOnPrice("support", "Support Plus", AddOnPrice.Monthly, 3100),
            ["archiv"] = new AddOnPrice("archiv", "Archiv", AddOnPrice.Yearly, 36500),
            ["antraege"] = new MeteredPrice("antraege", "Bauanträge", "Antrag", 10, [new PriceTier(0, 100, 2500), new PriceTier(1, null, 1800)]),
            ["einrichtung"] = new SetupFeePrice("einrichtung", "Einrichtung", 50000),
        }),
        [("bau", "gross")] = new PlanPrice("bau", "gross", "Land Bayern", 15000, new Dictionary<string, ExtraPrice>
        {
            ["support"] = new AddOnPrice("support", "Support Plus", AddOnPrice.Monthly, 6200),
            ["antraege"] = new MeteredPrice("antraege", "Bauanträge", "Antrag", 50, [new PriceTier(0, null, 2000)]),
        }),
    };

    private static readonly InvoiceCalculator Calculator = new(BillingCalendar.Berlin, Prices);
    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static SubscriptionPeriod Row(string sub, int seq, string plan, string addOns, string from, string? to, string ags = "09162000") =>
        new(sub, ags, "bau", "Digitaler Bauantrag", seq, plan, addOns, At(from), to is null ? null : At(to));

    private static MonthCharges Bill(string period, SubscriptionPeriod[] rows, UsageTotal[]? usage = null, SetupFeeDue[]? fees = null) =>
        Calculator.Calculate(BillingMonth.Parse(period), rows, usage ?? [], fees ?? []);

    [Test]
    public void A_full_month_charges_the_full_monthly_price()
    {
        var charges = Bill("2026-11", [Row("s1", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", null)]);
        var line = charges.Invoices.Single().Lines.Single();
        Assert.That((line.Quantity, line.PriceBase, line.AmountCents), Is.EqualTo((30L, 30L, 3100L)));
        Assert.That((line.ServiceFrom, line.ServiceTo), Is.EqualTo((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30))));
    }

    [Test]
    public void A_start_on_the_last_day_of_a_month_charges_one_day()
    {
        var line = Bill("2026-12", [Row("s1", 1, "gemeinde", "support", "2026-12-31T16:00:00+01:00", null)]).Invoices.Single().Lines.Single();
        Assert.That((line.Quantity, line.PriceBase, line.AmountCents), Is.EqualTo((1L, 31L, 100L)));
    }

    [Test]
    public void A_cancellation_inside_the_month_charges_up_to_the_day_before()
    {
        var line = Bill("2026-11", [Row("s1", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", "2026-11-16T11:00:00+01:00")]).Invoices.Single().Lines.Single();
        Assert.That((line.Quantity, line.AmountCents, line.ServiceTo), Is.EqualTo((15L, 1550L, new DateOnly(2026, 11, 15))));
    }

    [Test]
    public void A_plan_change_inside_the_month_charges_each_plan_for_its_days()
    {
        var lines = Bill("2026-11",
        [
            Row("s1", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", "2026-11-21T10:00:00+01:00"),
            Row("s1", 2, "gross", "support", "2026-11-21T10:00:00+01:00", null),
        ]).Invoices.Single().Lines;
        Assert.That(lines.Select(l => (l.PlanId, l.Quantity, l.AmountCents)), Is.EqualTo(new[]
        {
            ("gemeinde", 20L, 2067L),   // 3100 × 20/30 = 2066.67
            ("gross", 10L, 2067L),      // 6200 × 10/30 = 2066.67
        }));
    }

    [Test]
    public void An_add_on_kept_over_a_change_of_other_add_ons_is_one_line_rounded_once()
    {
        var lines = Bill("2026-11",
        [
            Row("s1", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", "2026-11-11T10:00:00+01:00"),
            Row("s1", 2, "gemeinde", "support,archiv", "2026-11-11T10:00:00+01:00", null),
        ]).Invoices.Single().Lines;
        var support = lines.Single(l => l.ExtraId == "support");
        Assert.That((support.Quantity, support.AmountCents, support.ServiceFrom), Is.EqualTo((30L, 3100L, new DateOnly(2026, 11, 1))));
        var archiv = lines.Single(l => l.ExtraId == "archiv");
        Assert.That((archiv.Quantity, archiv.PriceBase, archiv.AmountCents), Is.EqualTo((20L, 365L, 2000L)));  // 36500 × 20/365
    }

    [Test]
    public void A_leap_february_prorates_by_29_days_and_a_yearly_add_on_by_366()
    {
        var lines = Bill("2028-02", [Row("s1", 1, "gemeinde", "support,archiv", "2028-02-15T08:00:00+01:00", null)]).Invoices.Single().Lines;
        Assert.That(lines.Select(l => (l.ExtraId, l.Quantity, l.PriceBase, l.AmountCents)), Is.EqualTo(new[]
        {
            ("archiv", 15L, 366L, 1496L),    // 36500 × 15/366 = 1495.90
            ("support", 15L, 29L, 1603L),    // 3100 × 15/29 = 1603.45
        }));
    }

    [Test]
    public void A_start_just_after_local_midnight_on_the_spring_dst_day_counts_that_local_day()
    {
        // 29 March 2026 00:30 in Berlin is 28 March 23:30 UTC; billing counts 29, 30, 31 March.
        var line = Bill("2026-03", [Row("s1", 1, "gemeinde", "support", "2026-03-28T23:30:00Z", null)]).Invoices.Single().Lines.Single();
        Assert.That((line.Quantity, line.ServiceFrom, line.AmountCents), Is.EqualTo((3L, new DateOnly(2026, 3, 29), 300L)));
    }

    [Test]
    public void A_cancellation_on_the_autumn_dst_day_charges_the_days_before_it()
    {
        var line = Bill("2026-10", [Row("s1", 1, "gemeinde", "support", "2026-09-01T00:00:00+02:00", "2026-10-25T02:30:00+01:00")]).Invoices.Single().Lines.Single();
        Assert.That((line.Quantity, line.PriceBase, line.AmountCents), Is.EqualTo((24L, 31L, 2400L)));
    }

    [Test]
    public void Usage_above_the_included_quantity_is_priced_per_tier()
    {
        var lines = Bill("2026-11", [Row("s1", 1, "gemeinde", "", "2026-01-01T00:00:00+01:00", null)], [new UsageTotal("s1", "antraege", 150)])
            .Invoices.Single().Lines;
        Assert.That(lines.Select(l => (l.TierNo, l.Quantity, l.UnitPriceCents, l.AmountCents)), Is.EqualTo(new[]
        {
            ((int?)0, 100L, 2500L, 250_000L),
            ((int?)1, 40L, 1800L, 72_000L),
        }));
    }

    [Test]
    public void Usage_after_a_plan_change_is_priced_by_the_last_plan_with_its_included_quantity_once()
    {
        var lines = Bill("2026-11",
        [
            Row("s1", 1, "gemeinde", "", "2026-01-01T00:00:00+01:00", "2026-11-21T10:00:00+01:00"),
            Row("s1", 2, "gross", "", "2026-11-21T10:00:00+01:00", null),
        ], [new UsageTotal("s1", "antraege", 80)]).Invoices.Single().Lines;
        Assert.That(lines.Select(l => (l.PlanId, l.Quantity, l.AmountCents)), Is.EqualTo(new[] { ("gross", 30L, 60_000L) }));
    }

    [Test]
    public void A_setup_fee_is_billed_in_the_month_it_falls_due_and_only_then()
    {
        var rows = new[] { Row("s1", 1, "gemeinde", "", "2026-11-03T10:00:00+01:00", null) };
        var fee = new SetupFeeDue("s1", "09162000", "bau", "Digitaler Bauantrag", "gemeinde", "einrichtung", At("2026-11-03T10:00:00+01:00"));
        var november = Bill("2026-11", rows, fees: [fee]).Invoices.Single().Lines.Single();
        Assert.That((november.Kind, november.Quantity, november.AmountCents, november.ServiceFrom), Is.EqualTo(("setup", 1L, 50_000L, new DateOnly(2026, 11, 3))));
        Assert.That(Bill("2026-12", rows, fees: [fee]).Invoices, Is.Empty);
    }

    [Test]
    public void A_municipality_with_only_the_standard_package_gets_no_invoice()
    {
        var charges = Bill("2026-11",
        [
            Row("s1", 1, "gemeinde", "", "2026-01-01T00:00:00+01:00", null, ags: "09162000"),
            Row("s2", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", null, ags: "09564000"),
        ], [new UsageTotal("s1", "antraege", 10)]);
        Assert.That(charges.Invoices.Select(i => i.MunicipalityAgs), Is.EqualTo(new[] { "09564000" }));
    }

    [Test]
    public void One_invoice_per_municipality_collects_all_its_subscriptions()
    {
        var charges = Bill("2026-11",
        [
            Row("s1", 1, "gemeinde", "support", "2026-01-01T00:00:00+01:00", null),
            Row("s2", 1, "gemeinde", "archiv", "2026-01-01T00:00:00+01:00", null),
        ]);
        Assert.That(charges.Invoices.Single().Lines.Select(l => l.SubscriptionId), Is.EquivalentTo(new[] { "s1", "s2" }));
        Assert.That(charges.Invoices.Single().NetCents, Is.EqualTo(3100 + 3000));  // 36500 × 30/365 = 3000
    }

    [Test]
    public void An_add_on_missing_from_the_catalogue_is_reported_not_billed()
    {
        var charges = Bill("2026-11", [Row("s1", 1, "gemeinde", "gibt-es-nicht", "2026-01-01T00:00:00+01:00", null)]);
        Assert.That(charges.Invoices, Is.Empty);
        Assert.That(charges.Problems.Single(), Does.Contain("gibt-es-nicht"));
    }
}
