using Marketplace.Kernel;
using System.Xml.Linq;
using Dapper;
using Marketplace.Billing.Api;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Tests.Support;
using Marketplace.Billing.XRechnung;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

/// <summary>
/// Upward corrections (usage reported too low, or any correction that is not a pure reduction): a credit note cancels the
/// issued invoice and a new invoice for the same municipality and month replaces it, in one transaction.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class InvoiceReplacementTests(DatabaseEngine engine)
{
    private static readonly BillingMonth November = new(2026, 11);
    private BillingWorld _world = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        await _world.IssueNovemberAsync();
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<InvoiceDocument> LiveInvoiceOfAsync(string ags) =>
        (await _world.Invoices.GetAsync((await _world.Invoices.ListIssuedForMunicipalityAsync(ags)).Single(i => i.State != InvoiceStates.Void).Id))!;

    [Test]
    public async Task Usage_reported_too_low_voids_the_invoice_with_a_full_credit_note_and_issues_a_new_invoice_naming_it()
    {
        var original = await LiveInvoiceOfAsync(Nuernberg);
        var usage = original.Lines.Single(l => l.Kind == ExtraKind.Metered);
        Assert.That((usage.Quantity, usage.UnitPriceCents), Is.EqualTo((50L, 2500L)), "60 reported, 10 included");

        var result = await _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 70)], "Anbieter hat 20 Anträge zu wenig gemeldet", Admin);

        var note = result.CreditNote.CreditNote;
        Assert.That((note.Number, note.Kind, note.InvoiceNumber, note.NetCents, note.GrossCents),
            Is.EqualTo(("MP-GS-2026-000001", CreditNoteKinds.Replacement, original.Invoice.Number, original.Invoice.NetCents, original.Invoice.GrossCents)));
        var replacement = result.Invoice.Invoice;
        Assert.That(replacement.Number, Is.EqualTo("MP-202611-000004"), "the month's series counts on after the run's three invoices");
        Assert.That((replacement.State, replacement.MunicipalityAgs, replacement.Period, replacement.IssueDate, replacement.DueDate),
            Is.EqualTo((InvoiceStates.Finalized, Nuernberg, "2026-11", "2026-12-10", "2027-01-09")));
        Assert.That(replacement.NetCents, Is.EqualTo(original.Invoice.NetCents + 20 * 2500));
        Assert.That(result.Invoice.Lines.Single(l => l.Kind == ExtraKind.Metered).Quantity, Is.EqualTo(70));

        // What the municipality sees: the new invoice and the voided one naming each other, and the credit note.
        var listed = await _world.Invoices.ListIssuedForMunicipalityAsync(Nuernberg);
        Assert.That(listed.Select(i => (i.Number, i.State, i.ReplacesInvoiceNumber, i.ReplacedByInvoiceNumber)), Is.EquivalentTo(new[]
        {
            (replacement.Number, InvoiceStates.Finalized, original.Invoice.Number, (string?)null),
            (original.Invoice.Number, InvoiceStates.Void, (string?)null, replacement.Number),
        }));
        Assert.That((await _world.CreditNotes.ListForMunicipalityAsync(Nuernberg)).Select(n => n.Number), Is.EqualTo(new[] { note.Number }));

        // The e-invoice names the invoice it replaces (BG-3: BT-25, BT-26) and passes the platform's check.
        var stored = (await _world.Invoices.IssuedForMunicipalityAsync(Nuernberg, replacement.Id, CancellationToken.None))!;
        var xml = XDocument.Load(new MemoryStream(BillingApi.XRechnungFile(stored)));
        var reference = xml.Root!.Element(XRechnungWriter.Cac + "BillingReference")!.Element(XRechnungWriter.Cac + "InvoiceDocumentReference")!;
        Assert.That((reference.Element(XRechnungWriter.Cbc + "ID")!.Value, reference.Element(XRechnungWriter.Cbc + "IssueDate")!.Value),
            Is.EqualTo((original.Invoice.Number, original.Invoice.IssueDate)));
        Assert.That(xml.Root!.Element(XRechnungWriter.Cbc + "InvoiceTypeCode")!.Value, Is.EqualTo("380"));
        Assert.That(xml.Root!.Element(XRechnungWriter.Cbc + "Note")!.Value, Is.EqualTo(
            $"Zusatzleistungen über das Grundpaket hinaus, Abrechnungszeitraum November 2026. Ersetzt die stornierte Rechnung {original.Invoice.Number} vom 1. Dezember 2026."),
            "German sentences name month and day in words; the structured dates stay ISO");
        Assert.That(xml.Root!.Element(XRechnungWriter.Cac + "PaymentTerms")!.Value, Is.EqualTo("Zahlbar ohne Abzug bis 9. Januar 2027."));
        Assert.That(XRechnungRules.Check(xml), Is.Empty);

        await using var c = await _world.Database.OpenAsync();
        var actions = await c.QueryAsync<string>("SELECT action FROM audit_log WHERE object_id = @id", new { id = original.Invoice.Id });
        Assert.That(actions, Does.Contain("billing.invoice.replace"));
    }

    [Test]
    public async Task A_correction_that_raises_one_line_and_lowers_another_replaces_the_invoice()
    {
        var original = await LiveInvoiceOfAsync(Muenchen);
        var addOn = original.Lines.Single(l => l.Kind == ExtraKind.AddOn);
        var usage = original.Lines.Last(l => l.Kind == ExtraKind.Metered);
        Assert.That(original.Lines.First().LineNo, Is.EqualTo(addOn.LineNo), "the add-on comes first");

        var result = await _world.CreditNotes.ReplaceAsync(original.Invoice.Id,
            [new LineCorrection(usage.LineNo, usage.Quantity + 3), new LineCorrection(addOn.LineNo, 0)], "Zusatzleistung nie genutzt, Nutzung nachgemeldet", Admin);

        var expected = original.Lines.Where(l => l.LineNo != addOn.LineNo)
            .Select(l => l.LineNo == usage.LineNo ? l with { Quantity = l.Quantity + 3, AmountCents = Money.LineAmount(l.Quantity + 3, l.UnitPriceCents, l.PriceBase) } : l)
            .Select((l, i) => (LineNo: (long)i + 1, l.ExtraId, l.Quantity, l.AmountCents)).ToList();
        Assert.That(result.Invoice.Lines.Select(l => (l.LineNo, l.ExtraId, l.Quantity, l.AmountCents)), Is.EqualTo(expected),
            "a line corrected to nothing is left out; the lines are numbered anew");
        Assert.That(result.Invoice.Invoice.NetCents, Is.EqualTo(expected.Sum(l => l.AmountCents)));
    }

    [Test]
    public async Task A_pure_reduction_is_no_replacement_and_a_raise_is_no_credit_note_correction()
    {
        var original = await LiveInvoiceOfAsync(Nuernberg);
        var usage = original.Lines.Single(l => l.Kind == ExtraKind.Metered);

        var lower = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 40)], "weniger", Admin));
        Assert.That((lower!.Field, lower.Errors[0].Code), Is.EqualTo(("lines", "correction.only-lowers")));
        var raise = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _world.CreditNotes.CorrectAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 70)], "mehr", Admin));
        Assert.That((raise!.Field, raise.Errors[0].Code), Is.EqualTo(("lines[0].quantity", "correction.not-lower")));
        Assert.That(raise.Errors[0].Message, Does.Contain("ersetzende Rechnung").And.Contain($"/invoices/{original.Invoice.Id}/replacement"));
        var negative = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, -1)], "falsch", Admin));
        Assert.That((negative!.Field, negative.Errors[0].Code), Is.EqualTo(("lines[0].quantity", "correction.negative-quantity")));
        var noReason = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 70)], " ", Admin));
        Assert.That((noReason!.Field, noReason.Errors[0].Code), Is.EqualTo(("reason", "correction.reason-missing")));

        Assert.That((await LiveInvoiceOfAsync(Nuernberg)).Invoice.Id, Is.EqualTo(original.Invoice.Id), "a refused correction changes nothing");
        Assert.That(await _world.CreditNotes.ListForMunicipalityAsync(Nuernberg), Is.Empty);
    }

    [Test]
    public async Task After_a_downward_correction_the_replacement_credits_only_the_rest_and_the_revenue_report_nets_to_the_new_invoice()
    {
        async Task<long> Revenue() => (await _world.Overview.VendorRevenueAsync(VendorA, November, November)).Sum(r => r.NetCents);
        var before = await Revenue();
        var original = await LiveInvoiceOfAsync(Nuernberg);
        var usage = original.Lines.Single(l => l.Kind == ExtraKind.Metered);
        await _world.CreditNotes.CorrectAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 40)], "doppelt gemeldet", Admin);

        var result = await _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 55)], "doch mehr Anträge", Admin);

        var notes = await _world.CreditNotes.ListForInvoiceAsync(original.Invoice.Id);
        Assert.That(notes.Sum(n => n.NetCents), Is.EqualTo(original.Invoice.NetCents), "correction and replacement together credit exactly the invoice");
        Assert.That(result.CreditNote.Lines.Single(l => l.Kind == ExtraKind.Metered).Quantity, Is.EqualTo(40), "what was left of the line");
        Assert.That(result.Invoice.Lines.Single(l => l.Kind == ExtraKind.Metered).Quantity, Is.EqualTo(55));
        Assert.That(await Revenue(), Is.EqualTo(before - original.Invoice.NetCents + result.Invoice.Invoice.NetCents));
        var revenue = (await _world.Overview.VendorRevenueAsync(VendorA, November, November)).Single(r => r.OfferingId == Bauantrag);
        Assert.That(revenue.Invoices, Is.EqualTo(3), "the voided invoice is not counted beside its replacement");
    }

    [Test]
    public async Task A_replacement_can_itself_be_replaced_but_a_voided_invoice_cannot_and_a_new_run_writes_nothing()
    {
        var original = await LiveInvoiceOfAsync(Nuernberg);
        var usage = original.Lines.Single(l => l.Kind == ExtraKind.Metered);
        var first = await _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 70)], "nachgemeldet", Admin);
        var voided = await Assert.ThrowsAsync<ConflictException>(() =>
            _world.CreditNotes.ReplaceAsync(original.Invoice.Id, [new LineCorrection(usage.LineNo, 80)], "noch einmal", Admin));
        Assert.That(voided!.Code, Is.EqualTo("invoice.not-replaceable"));

        var line = first.Invoice.Lines.Single(l => l.Kind == ExtraKind.Metered);
        var second = await _world.CreditNotes.ReplaceAsync(first.Invoice.Invoice.Id, [new LineCorrection(line.LineNo, 80)], "noch einmal nachgemeldet", Admin);
        Assert.That((second.Invoice.Invoice.Number, second.Invoice.Invoice.ReplacesInvoiceNumber), Is.EqualTo(("MP-202611-000005", first.Invoice.Invoice.Number)));
        Assert.That((await _world.CreditNotes.ListForMunicipalityAsync(Nuernberg)).Select(n => n.Number).Order(),
            Is.EqualTo(new[] { "MP-GS-2026-000001", "MP-GS-2026-000002" }));

        var rerun = await _world.Runs.RunAsync(November, Admin);
        Assert.That(rerun.Run.InvoiceCount, Is.EqualTo(0));
        Assert.That((await _world.Invoices.ListIssuedForMunicipalityAsync(Nuernberg)).Count(i => i.State != InvoiceStates.Void), Is.EqualTo(1));
    }

    [Test]
    public async Task The_database_allows_one_live_invoice_per_municipality_and_month_however_many_are_void()
    {
        var original = await LiveInvoiceOfAsync(Flensburg);
        await using var c = await _world.Database.OpenAsync();
        const string copy = """
            INSERT INTO invoices (id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
                                  gross_cents, period_start, period_end, created_at, updated_at)
            SELECT @id, @number, municipality_ags, period, billing_run_id, @state, currency, net_cents, vat_rate_basis_points, vat_cents,
                   gross_cents, period_start, period_end, created_at, updated_at
            FROM invoices WHERE id = @original
            """;
        Assert.That(async () => await c.ExecuteAsync(copy, new { id = "second-live", number = "X-1", state = InvoiceStates.Draft, original = original.Invoice.Id }),
            Throws.InstanceOf<System.Data.Common.DbException>());
        await c.ExecuteAsync(copy, new { id = "void-1", number = "X-2", state = InvoiceStates.Void, original = original.Invoice.Id });
        await c.ExecuteAsync(copy, new { id = "void-2", number = "X-3", state = InvoiceStates.Void, original = original.Invoice.Id });
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invoices WHERE municipality_ags = @ags", new { ags = Flensburg }), Is.EqualTo(3));
    }
}
