using Marketplace.Billing.Pricing;
using NUnit.Framework;

namespace Marketplace.Billing.Tests;

public class MoneyTests
{
    [TestCase(3100, 15, 30, 1550)]     // exact
    [TestCase(3100, 15, 31, 1500)]     // 1500.0 exactly
    [TestCase(1000, 1, 3, 333)]        // 333.33 rounds down
    [TestCase(1000, 2, 3, 667)]        // 666.67 rounds up
    [TestCase(5, 1, 2, 3)]             // 2.5: half away from zero
    [TestCase(15, 1, 2, 8)]            // 7.5: half away from zero, not to even
    [TestCase(3100, 29, 29, 3100)]     // a full leap February is the full price
    [TestCase(36500, 29, 366, 2892)]   // yearly add-on in a leap February: 2892.07
    public void Line_amounts_round_once_half_away_from_zero(long price, long days, long priceBase, long expected) =>
        Assert.That(Money.LineAmount(days, price, priceBase), Is.EqualTo(expected));

    [TestCase("de-DE", 196437, "1.964,37\u00a0€")]
    [TestCase("en-GB", 196437, "€1,964.37")]
    [TestCase("en-US", 45000, "€450.00")]
    [TestCase("de-DE", 0, "0,00\u00a0€")]
    [TestCase("en-GB", -1550, "-€15.50")]
    public void Amounts_for_people_are_euros_in_the_culture_s_number_format(string culture, long cents, string expected) =>
        Assert.That(Money.Display(cents, System.Globalization.CultureInfo.GetCultureInfo(culture)), Is.EqualTo(expected));

    [TestCase(-5, 2, -3)]
    [TestCase(-4, 3, -1)]
    public void Negative_amounts_round_symmetrically(long numerator, long denominator, long expected) =>
        Assert.That(Money.DivideRounded(numerator, denominator), Is.EqualTo(expected));

    [TestCase(5, 1900, 1)]       // 0.95 cent → 1
    [TestCase(2, 1900, 0)]       // 0.38 cent → 0
    [TestCase(50, 1900, 10)]     // 9.5 cent → 10 (half up)
    [TestCase(10000, 1900, 1900)]
    [TestCase(123456, 700, 8642)] // 8641.92 → 8642
    public void Vat_is_rounded_half_away_from_zero_on_the_net_total(long net, int rate, long expected) =>
        Assert.That(Money.Vat(net, rate), Is.EqualTo(expected));

    [Test]
    public void Vat_on_the_total_differs_from_the_sum_of_vat_per_line_and_the_total_wins()
    {
        // Three lines of 0.05 EUR: per line 19 % would be 3 × 1 cent = 3 cents; on the total 0.15 EUR it is 2.85 → 3 cents;
        // with seven lines of 0.02: per line 0 cents each, on the total 0.14 EUR → 2.66 → 3 cents. The total is what is invoiced.
        Assert.That(Money.Vat(7 * 2, 1900), Is.EqualTo(3));
        Assert.That(Enumerable.Repeat(2L, 7).Sum(l => Money.Vat(l, 1900)), Is.EqualTo(0));
    }

    [Test]
    public void Amounts_are_written_with_two_decimals_and_a_point()
    {
        Assert.That(Money.Decimal(123456), Is.EqualTo("1234.56"));
        Assert.That(Money.Decimal(5), Is.EqualTo("0.05"));
        Assert.That(Money.Percent(1900), Is.EqualTo("19"));
        Assert.That(Money.Percent(750), Is.EqualTo("7.5"));
    }
}

public class BillingCalendarTests
{
    private static readonly BillingCalendar Berlin = BillingCalendar.Berlin;
    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void A_month_starts_at_local_midnight_not_at_utc_midnight()
    {
        Assert.That(Berlin.StartOf(new DateOnly(2026, 12, 1)), Is.EqualTo(At("2026-11-30T23:00:00Z")));  // CET, UTC+1
        Assert.That(Berlin.StartOf(new DateOnly(2026, 7, 1)), Is.EqualTo(At("2026-06-30T22:00:00Z")));   // CEST, UTC+2
        Assert.That(Berlin.MonthOf(At("2026-11-30T23:30:00Z")).Period, Is.EqualTo("2026-12"));
        Assert.That(Berlin.MonthOf(At("2026-11-30T22:59:59Z")).Period, Is.EqualTo("2026-11"));
    }

    [Test]
    public void Start_day_counts_end_day_does_not()
    {
        var november = new BillingMonth(2026, 11);
        Assert.That(Berlin.ChargedDays(november, At("2026-11-10T12:00:00+01:00"), null), Is.EqualTo(21));  // 10th..30th
        Assert.That(Berlin.ChargedDays(november, At("2026-10-01T00:00:00+02:00"), At("2026-11-10T12:00:00+01:00")), Is.EqualTo(9));
        Assert.That(Berlin.ChargedDays(november, At("2026-11-10T08:00:00+01:00"), At("2026-11-10T18:00:00+01:00")), Is.Zero);
    }

    [Test]
    public void Month_ends_cut_a_booking_that_spans_months()
    {
        var from = At("2026-01-31T10:00:00+01:00");
        var to = At("2026-03-01T00:00:00+01:00");
        Assert.That(Berlin.ChargedDays(new BillingMonth(2026, 1), from, to), Is.EqualTo(1));   // the 31st only
        Assert.That(Berlin.ChargedDays(new BillingMonth(2026, 2), from, to), Is.EqualTo(28));  // all of February 2026
        Assert.That(Berlin.ChargedDays(new BillingMonth(2026, 3), from, to), Is.Zero);         // ends at March's first midnight
    }

    [Test]
    public void A_leap_february_has_29_days()
    {
        var february = new BillingMonth(2028, 2);
        Assert.That(february.Days, Is.EqualTo(29));
        Assert.That(february.DaysInYear, Is.EqualTo(366));
        Assert.That(Berlin.ChargedDays(february, At("2028-02-29T09:00:00+01:00"), null), Is.EqualTo(1));
        Assert.That(Berlin.ChargedDays(february, At("2028-01-15T00:00:00+01:00"), null), Is.EqualTo(29));
    }

    [Test]
    public void Days_stay_whole_across_daylight_saving_changes()
    {
        // 29 March 2026: clocks go from 02:00 to 03:00 (a 23-hour day); 25 October 2026: back from 03:00 to 02:00 (25 hours).
        var march = new BillingMonth(2026, 3);
        var october = new BillingMonth(2026, 10);
        // 00:30 local on the switch day is still 28 March in UTC; it is the 29th that counts.
        Assert.That(Berlin.ChargedDays(march, At("2026-03-28T23:30:00Z"), null), Is.EqualTo(3));   // 29, 30, 31
        Assert.That(Berlin.ChargedDays(october, At("2026-10-01T00:00:00+02:00"), At("2026-10-25T02:30:00+01:00")), Is.EqualTo(24));
        Assert.That(Berlin.ChargedDays(october, At("2026-10-25T23:00:00+01:00"), null), Is.EqualTo(7));  // 25..31
        Assert.That(Berlin.StartOf(new DateOnly(2026, 3, 30)) - Berlin.StartOf(new DateOnly(2026, 3, 29)), Is.EqualTo(TimeSpan.FromHours(23)));
        Assert.That(Berlin.StartOf(new DateOnly(2026, 10, 26)) - Berlin.StartOf(new DateOnly(2026, 10, 25)), Is.EqualTo(TimeSpan.FromHours(25)));
    }

    [Test]
    public void Periods_parse_and_order()
    {
        Assert.That(BillingMonth.Parse("2026-12").Next.Period, Is.EqualTo("2027-01"));
        Assert.That(BillingMonth.Parse("2027-01").Previous.Period, Is.EqualTo("2026-12"));
        Assert.That(BillingMonth.TryParse("2026-13", out _), Is.False);
        Assert.That(BillingMonth.TryParse("26-1", out _), Is.False);
        Assert.That(new BillingMonth(2026, 12) < new BillingMonth(2027, 1), Is.True);
    }
}

public class TierTests
{
    // 10 included; up to 100 units above that at 25.00, beyond at 18.00.
    private static readonly MeteredPrice Antraege = new("antraege", "Bauanträge", "Antrag", 10,
        [new PriceTier(0, 100, 2500), new PriceTier(1, null, 1800)]);

    private static (int Tier, long Quantity, long Amount)[] Charge(long usage) =>
        Antraege.Charge(usage).Select(c => (c.Tier.TierNo, c.Quantity, c.AmountCents)).ToArray();

    [TestCase(0)]
    [TestCase(9)]
    [TestCase(10)]
    public void Usage_up_to_the_included_quantity_costs_nothing(long usage) => Assert.That(Charge(usage), Is.Empty);

    [Test]
    public void The_first_unit_above_the_included_quantity_is_in_the_first_tier() =>
        Assert.That(Charge(11), Is.EqualTo(new[] { (0, 1L, 2500L) }));

    [Test]
    public void The_last_unit_of_a_tier_is_still_priced_by_it() =>
        Assert.That(Charge(110), Is.EqualTo(new[] { (0, 100L, 250_000L) }));

    [Test]
    public void The_unit_after_a_tier_boundary_is_priced_by_the_next_tier() =>
        Assert.That(Charge(111), Is.EqualTo(new[] { (0, 100L, 250_000L), (1, 1L, 1800L) }));

    [Test]
    public void An_unbounded_last_tier_takes_the_rest() =>
        Assert.That(Charge(1_010), Is.EqualTo(new[] { (0, 100L, 250_000L), (1, 900L, 1_620_000L) }));

    [Test]
    public void Three_graduated_tiers_each_price_only_their_own_units()
    {
        var sms = new MeteredPrice("sms", "SMS", "SMS", 0, [new PriceTier(0, 1000, 9), new PriceTier(1, 10_000, 7), new PriceTier(2, null, 5)]);
        Assert.That(sms.Charge(12_345).Select(c => (c.Quantity, c.AmountCents)), Is.EqualTo(new[] { (1000L, 9000L), (9000L, 63_000L), (2345L, 11_725L) }));
    }
}
