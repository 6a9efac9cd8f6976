using Marketplace.Kernel;
using Dapper;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BillingRunTests(DatabaseEngine engine)
{
    private static readonly BillingMonth November = new(2026, 11);
    private BillingWorld _world = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        // München: add-on all month, a mid-month plan change and usage over the included quantity, a setup fee due in November.
        await _world.SubscribeAsync("sub-m1", Muenchen, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-21T10:00:00+01:00", "gemeinde", "support-plus"),
            new Period("2026-11-21T10:00:00+01:00", null, "gross", "support-plus"));
        await _world.SubscribeAsync("sub-m2", Muenchen, Parken, new Period("2026-11-03T09:00:00+01:00", null, "standard"));
        await _world.SetupFeeAsync("sub-m1", "einrichtung", "2026-11-03T09:00:00+01:00");
        // Nürnberg: the standard package only, with usage inside the included quantity: no invoice.
        await _world.SubscribeAsync("sub-n1", Nuernberg, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde"));
        // Flensburg: cancels its add-on on the 16th.
        await _world.SubscribeAsync("sub-f1", Flensburg, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-16T00:00:00+01:00", "gemeinde", "support-plus"),
            new Period("2026-11-16T00:00:00+01:00", null, "gemeinde"));

        _world.Clock.Now = DateTimeOffset.Parse("2026-11-25T12:00:00Z");
        await _world.Ingestion.IngestAsync(VendorA, [Event("m-1", "sub-m1", "antraege", 80, "2026-11-24T10:00:00Z"), Event("n-1", "sub-n1", "antraege", 10, "2026-11-24T10:00:00Z")]);
        await _world.Ingestion.IngestAsync(VendorB, [Event("p-1", "sub-m2", "buchungen", 1234, "2026-11-24T10:00:00Z")]);
        _world.Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<List<InvoiceDocument>> Invoices()
    {
        var list = await _world.Invoices.ListForPeriodAsync(November);
        var documents = new List<InvoiceDocument>();
        foreach (var i in list) documents.Add((await _world.Invoices.GetAsync(i.Id))!);
        return documents;
    }

    [Test]
    public async Task A_run_writes_one_draft_per_municipality_that_owes_something_with_every_line_named()
    {
        var result = await _world.Runs.RunAsync(November, Admin);
        var invoices = await Invoices();
        Assert.That(invoices.Select(i => i.Invoice.MunicipalityAgs), Is.EquivalentTo(new[] { Muenchen, Flensburg }));
        Assert.That(result.Run.InvoiceCount, Is.EqualTo(2));

        var muenchen = invoices.Single(i => i.Invoice.MunicipalityAgs == Muenchen);
        Assert.That(muenchen.Lines.Select(l => (l.SubscriptionId, l.OfferingName, l.Kind, l.ExtraId, l.PlanId, l.TierNo, l.Quantity, l.UnitPriceCents, l.AmountCents, l.ServiceFrom, l.ServiceTo)),
            Is.EqualTo(new (string, string, string, string, string, long?, long, long, long, string, string)[]
            {
                ("sub-m2", "Bewohnerparken", "metered", "buchungen", "standard", 0, 1234, 10, 12_340, "2026-11-03", "2026-11-30"),
                ("sub-m1", "Digitaler Bauantrag", "setup", "einrichtung", "gemeinde", null, 1, 50_000, 50_000, "2026-11-03", "2026-11-03"),
                ("sub-m1", "Digitaler Bauantrag", "addon", "support-plus", "gemeinde", null, 20, 3100, 2067, "2026-11-01", "2026-11-20"),
                ("sub-m1", "Digitaler Bauantrag", "addon", "support-plus", "gross", null, 10, 6200, 2067, "2026-11-21", "2026-11-30"),
                ("sub-m1", "Digitaler Bauantrag", "metered", "antraege", "gross", 0, 30, 2000, 60_000, "2026-11-01", "2026-11-30"),
            }));
        var net = 12_340 + 50_000 + 2067 + 2067 + 60_000;
        Assert.That((muenchen.Invoice.State, muenchen.Invoice.NetCents, muenchen.Invoice.VatRateBasisPoints, muenchen.Invoice.VatCents, muenchen.Invoice.GrossCents),
            Is.EqualTo((InvoiceStates.Draft, (long)net, 1900L, Money.Vat(net, 1900), net + Money.Vat(net, 1900))));
        Assert.That(muenchen.Invoice.Number, Does.Match(@"^MP-202611-\d{6}$"));

        var flensburg = invoices.Single(i => i.Invoice.MunicipalityAgs == Flensburg).Lines.Single();
        Assert.That((flensburg.Quantity, flensburg.AmountCents, flensburg.ServiceTo), Is.EqualTo((15L, 1550L, "2026-11-15")));
    }

    [Test]
    public async Task Running_a_billed_period_again_creates_no_second_invoice_and_changes_no_amount()
    {
        await _world.Runs.RunAsync(November, Admin);
        var before = await Invoices();
        var again = await _world.Runs.RunAsync(November, Admin);
        var after = await Invoices();

        Assert.That((again.Run.InvoiceCount, again.InvoicesAlreadyPresent, again.Run.GrossCents), Is.EqualTo((0L, 2, 0L)));
        Assert.That(after.Select(d => d.Invoice), Is.EqualTo(before.Select(d => d.Invoice)));
        Assert.That(after.SelectMany(d => d.Lines), Is.EqualTo(before.SelectMany(d => d.Lines)));
        await using var c = await _world.Database.OpenAsync();
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invoices"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_rerun_after_a_finalized_invoice_leaves_it_as_it_is()
    {
        await _world.AccountAsync(Muenchen);
        await _world.Runs.RunAsync(November, Admin);
        var id = (await Invoices()).Single(i => i.Invoice.MunicipalityAgs == Muenchen).Invoice.Id;
        var finalized = await _world.Invoices.FinalizeAsync(id, Admin);
        await _world.Runs.RunAsync(November, Admin);
        Assert.That((await _world.Invoices.GetAsync(id))!.Invoice, Is.EqualTo(finalized));
    }

    [Test]
    public async Task Two_runs_of_the_same_month_at_once_write_each_invoice_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => _world.Runs.RunAsync(November, Admin))));
        Assert.That(results.Sum(r => r.Run.InvoiceCount), Is.EqualTo(2));
        Assert.That((await Invoices()).Select(i => i.Invoice.Number), Is.Unique);
    }

    [Test]
    public async Task The_run_closes_the_month_for_usage_and_its_amounts_stay_what_they_were()
    {
        await _world.Runs.RunAsync(November, Admin);
        var late = await _world.Ingestion.IngestAsync(VendorA, [Event("m-late", "sub-m1", "antraege", 500, "2026-11-29T10:00:00Z")]);
        Assert.That(late.Events[0].Status, Is.EqualTo(UsageEventStatus.OutsideOpenPeriod));
    }

    [Test]
    public async Task A_month_that_has_not_ended_cannot_be_billed()
    {
        _world.Clock.Now = DateTimeOffset.Parse("2026-11-30T22:00:00Z");   // 23:00 on 30 November in Berlin
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Runs.RunAsync(November, Admin));
        Assert.That(e!.Field, Is.EqualTo("period"));
    }

    [Test]
    public async Task The_run_and_the_closing_of_the_month_are_audited_in_an_intact_chain()
    {
        var result = await _world.Runs.RunAsync(November, Admin);
        var entries = await _world.Audit.QueryAsync(new Audit.AuditQuery());
        Assert.That(entries.Select(e => (e.Action, e.ObjectId)), Is.SupersetOf(new[] { ("billing.period.close", "2026-11"), ("billing.run", result.Run.Id) }));
        var run = entries.Single(e => e.Action == "billing.run");
        Assert.That(run.AfterJson, Does.Contain(Muenchen).And.Contain(Flensburg).And.Contain("MP-202611-"));
        Assert.That((await _world.Audit.VerifyAsync()).Intact, Is.True);
        Assert.That((await _world.Runs.ListAsync()).Single().Id, Is.EqualTo(result.Run.Id));
    }
}
