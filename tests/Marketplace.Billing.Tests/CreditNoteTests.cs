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
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Tests;

/// <summary>Voiding and correcting issued invoices: credit notes, their number series, and the reports that net them out.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class CreditNoteTests(DatabaseEngine engine)
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

    private async Task<InvoiceDocument> InvoiceOfAsync(string ags) =>
        (await _world.Invoices.GetAsync((await _world.Invoices.ListIssuedForMunicipalityAsync(ags)).Single().Id))!;

    [Test]
    public async Task Voiding_an_issued_invoice_issues_a_credit_note_for_all_of_it_that_the_municipality_lists_and_downloads()
    {
        var invoice = await InvoiceOfAsync(Muenchen);
        Assert.That(await _world.Invoices.VoidAsync(invoice.Invoice.Id, Admin), Is.True);

        var listed = await _world.CreditNotes.ListForMunicipalityAsync(Muenchen);
        Assert.That(listed.Select(n => (n.Number, n.Kind, n.InvoiceNumber, n.NetCents, n.VatCents, n.GrossCents)), Is.EqualTo(new[]
        {
            ("MP-GS-2026-000001", CreditNoteKinds.Void, invoice.Invoice.Number, invoice.Invoice.NetCents, invoice.Invoice.VatCents, invoice.Invoice.GrossCents),
        }));
        Assert.That(await _world.CreditNotes.ListForMunicipalityAsync(Nuernberg), Is.Empty, "another municipality sees none of it");

        var note = (await _world.CreditNotes.ForMunicipalityAsync(Muenchen, listed[0].Id, CancellationToken.None))!;
        Assert.That(await _world.CreditNotes.ForMunicipalityAsync(Nuernberg, listed[0].Id, CancellationToken.None), Is.Null);
        var xml = XDocument.Load(new MemoryStream(BillingApi.XRechnungFile(note)));
        Assert.That(xml.Root!.Element(XRechnungWriter.Cbc + "CreditNoteTypeCode")!.Value, Is.EqualTo("381"));
        Assert.That(xml.Root!.Descendants(XRechnungWriter.Cac + "InvoiceDocumentReference").Single().Element(XRechnungWriter.Cbc + "ID")!.Value,
            Is.EqualTo(invoice.Invoice.Number));
        Assert.That(XRechnungRules.Check(xml), Is.Empty);

        // The voided invoice stays, as it was issued, and says what it is.
        var voided = (await _world.Invoices.IssuedForMunicipalityAsync(Muenchen, invoice.Invoice.Id, CancellationToken.None))!;
        Assert.That(voided.Invoice.State, Is.EqualTo(InvoiceStates.Void));
        Assert.That(BillingApi.XRechnungFile(voided), Is.EqualTo(BillingApi.XRechnungFile(invoice with { Invoice = invoice.Invoice with { State = InvoiceStates.Finalized } })));
        Assert.That(await _world.Invoices.VoidAsync(invoice.Invoice.Id, Admin), Is.False, "voiding twice issues no second credit note");
        Assert.That(await _world.CreditNotes.ListForMunicipalityAsync(Muenchen), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Voiding_a_draft_issues_no_credit_note()
    {
        await using (var c = await _world.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE invoices SET state = 'draft', issue_date = NULL WHERE municipality_ags = @ags", new { ags = Flensburg });
        var draft = (await _world.Invoices.ListForMunicipalityAsync(Flensburg)).Single();
        await _world.Invoices.VoidAsync(draft.Id, Admin);
        Assert.That(await _world.CreditNotes.ListForMunicipalityAsync(Flensburg), Is.Empty);
    }

    [Test]
    public async Task A_usage_correction_credits_the_difference_and_a_later_void_only_the_rest()
    {
        var invoice = await InvoiceOfAsync(Nuernberg);
        var usage = invoice.Lines.Single(l => l.Kind == ExtraKind.Metered);
        Assert.That((usage.Quantity, usage.UnitPriceCents), Is.EqualTo((50L, 2500L)), "60 reported, 10 included");

        var correction = await _world.CreditNotes.CorrectAsync(invoice.Invoice.Id, [new LineCorrection(usage.LineNo, 40)], "Anbieter hat 10 Anträge doppelt gemeldet", Admin);
        Assert.That((correction.CreditNote.Kind, correction.CreditNote.NetCents, correction.CreditNote.VatCents), Is.EqualTo((CreditNoteKinds.Correction, 25_000L, 4_750L)));
        Assert.That(correction.Lines.Single().Quantity, Is.EqualTo(10));

        RequestValidationException? tooMuch = null;
        try { await _world.CreditNotes.CorrectAsync(invoice.Invoice.Id, [new LineCorrection(usage.LineNo, 40)], "noch einmal", Admin); }
        catch (RequestValidationException e) { tooMuch = e; }
        Assert.That(tooMuch?.Field, Is.EqualTo("lines[0].quantity"), "the line stands at 40 now; raising or keeping it is no correction");

        await _world.Invoices.VoidAsync(invoice.Invoice.Id, Admin);
        var notes = await _world.CreditNotes.ListForInvoiceAsync(invoice.Invoice.Id);
        Assert.That(notes.Select(n => n.Number), Is.EqualTo(new[] { "MP-GS-2026-000001", "MP-GS-2026-000002" }));
        Assert.That(notes.Sum(n => n.NetCents), Is.EqualTo(invoice.Invoice.NetCents), "correction and void together credit exactly the invoice");
        await Assert.ThatAsync(() => _world.CreditNotes.CorrectAsync(invoice.Invoice.Id, [new LineCorrection(usage.LineNo, 1)], "nach Storno", Admin),
            Throws.TypeOf<ConflictException>().With.Property(nameof(ConflictException.Code)).EqualTo("invoice.not-correctable"));
    }

    [Test]
    public async Task The_vendor_revenue_report_nets_out_credit_notes()
    {
        async Task<long> Revenue() => (await _world.Overview.VendorRevenueAsync(VendorA, November, November)).Sum(r => r.NetCents);
        var before = await Revenue();
        var muenchen = await InvoiceOfAsync(Muenchen);
        var nuernberg = await InvoiceOfAsync(Nuernberg);
        Assert.That(before, Is.EqualTo(muenchen.Invoice.NetCents + nuernberg.Invoice.NetCents + (await InvoiceOfAsync(Flensburg)).Invoice.NetCents));

        await _world.Invoices.VoidAsync(muenchen.Invoice.Id, Admin);
        Assert.That(await Revenue(), Is.EqualTo(before - muenchen.Invoice.NetCents));
        var usage = nuernberg.Lines.Single(l => l.Kind == ExtraKind.Metered);
        await _world.CreditNotes.CorrectAsync(nuernberg.Invoice.Id, [new LineCorrection(usage.LineNo, 45)], "korrigierte Nutzung", Admin);
        Assert.That(await Revenue(), Is.EqualTo(before - muenchen.Invoice.NetCents - 5 * 2500));
        Assert.That(await _world.Overview.VendorRevenueAsync(VendorB, November, November), Is.Empty);
    }

    [Test]
    public async Task Credit_notes_issued_at_the_same_time_get_consecutive_numbers_without_gaps()
    {
        var ids = new List<string>();
        foreach (var ags in new[] { Muenchen, Nuernberg, Flensburg }) ids.Add((await InvoiceOfAsync(ags)).Invoice.Id);
        var results = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            // SQLite lets one writer in at a time and answers the others "busy": they try again, as a caller would.
            for (var attempt = 0; ; attempt++)
            {
                try { return await _world.Invoices.VoidAsync(id, Admin); }
                catch (Microsoft.Data.Sqlite.SqliteException) when (attempt < 20) { await Task.Delay(50); }
            }
        })));
        Assert.That(results, Is.All.True);
        var numbers = new List<string>();
        foreach (var ags in new[] { Muenchen, Nuernberg, Flensburg }) numbers.AddRange((await _world.CreditNotes.ListForMunicipalityAsync(ags)).Select(n => n.Number));
        Assert.That(numbers.Order(), Is.EqualTo(new[] { "MP-GS-2026-000001", "MP-GS-2026-000002", "MP-GS-2026-000003" }));
    }
}
