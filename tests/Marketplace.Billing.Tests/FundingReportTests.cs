using Marketplace.Kernel;
using Marketplace.Billing.Funding;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class FundingReportTests(DatabaseEngine engine)
{
    private BillingWorld _world = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        await _world.SubscribeAsync("sub-m1", Muenchen, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus"));
        // Nürnberg changes to the larger plan on the 21st: 20 days of 8900, 10 days of 15000.
        await _world.SubscribeAsync("sub-n1", Nuernberg, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-21T10:00:00+01:00", "gemeinde"),
            new Period("2026-11-21T10:00:00+01:00", null, "gross"));
        // Flensburg starts on 16 November.
        await _world.SubscribeAsync("sub-f1", Flensburg, Parken, new Period("2026-11-16T09:00:00+01:00", null, "standard"));
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [Test]
    public async Task The_report_adds_up_the_list_value_per_funder_Land_and_offering_by_days_in_use()
    {
        var rows = await _world.Funding.GetAsync(new BillingMonth(2026, 10), new BillingMonth(2026, 11));
        Assert.That(rows.Select(r => (r.Period, r.Funder, r.LandCode, r.OfferingId, r.Subscriptions, r.ListValueCents)), Is.EqualTo(new[]
        {
            ("2026-10", "Land Bayern", "09", Bauantrag, 2, 2 * 8900L),
            ("2026-11", "EfA-Finanzierung Bund", "01", Parken, 1, 2500L),                 // 5000 × 15/30
            ("2026-11", "Land Bayern", "09", Bauantrag, 2, 8900 + 5933 + 5000L),        // 8900 × 20/30 = 5933.33; 15000 × 10/30
        }));
    }

    [Test]
    public async Task The_csv_is_for_German_spreadsheets()
    {
        var csv = FundingReportService.ToCsv(await _world.Funding.GetAsync(new BillingMonth(2026, 11), new BillingMonth(2026, 11)));
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Is.EqualTo("Monat;Foerdergeber;Land;Landesname;Angebot;Angebotsname;Abonnements;Listenwert_Cent;Listenwert_EUR"));
        Assert.That(lines[1], Is.EqualTo("2026-11;EfA-Finanzierung Bund;01;Schleswig-Holstein;parken;Bewohnerparken;1;2500;25,00"));
        Assert.That(lines[2], Is.EqualTo("2026-11;Land Bayern;09;Bayern;bauantrag;Digitaler Bauantrag;2;19833;198,33"));
    }

    [Test]
    public void An_offering_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text()
    {
        var csv = FundingReportService.ToCsv([new FundingRow("2026-11", "@Bund", "09", "Bayern", "x", "=HYPERLINK(\"https://evil.example\";\"Klick\")", 1, 100)]);
        Assert.That(csv.Split("\r\n")[1], Is.EqualTo("2026-11;'@Bund;09;Bayern;x;\"'=HYPERLINK(\"\"https://evil.example\"\";\"\"Klick\"\")\";1;100;1,00"));
    }

    [Test]
    public async Task A_range_ending_before_it_starts_is_refused()
    {
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Funding.GetAsync(new BillingMonth(2026, 11), new BillingMonth(2026, 10)));
        Assert.That(e!.Field, Is.EqualTo("to"));
    }
}
