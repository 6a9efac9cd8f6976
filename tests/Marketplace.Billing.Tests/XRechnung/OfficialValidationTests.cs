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

namespace Marketplace.Billing.Tests.XRechnung;

/// <summary>
/// The invoices a billing run writes, finalised and downloaded as a municipality downloads them, checked with the official
/// XRechnung artefacts as a receiver checks them: every price model, proration, a plan change, setup fees, usage over
/// several tiers, 19 % and 7 % VAT, several VAT categories in one invoice, an invoice not subject to VAT, a municipality
/// without Leitweg-ID, credit notes for voided, corrected and replaced invoices, the invoices replacing them, and the largest invoice a big city would get.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OfficialValidationTests(DatabaseEngine engine)
{
    private static readonly BillingMonth November = new(2026, 11);
    private const string Berlin = "11000000";
    private const int BerlinOfferings = 80;

    [OneTimeSetUp]
    public void Artefacts() => OfficialXRechnungValidator.Require();

    /// <summary>Runs November, finalises every draft on the XRechnung channel and returns the downloads by invoice number.</summary>
    private static async Task<Dictionary<string, XDocument>> BillNovemberAsync(BillingWorld world, Func<Task>? beforeFinalising = null)
    {
        // München: an add-on all month, a plan change on the 21st, usage over two tiers, a setup fee, a yearly add-on from the 10th, parking bookings.
        await world.SubscribeAsync("sub-m1", Muenchen, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-21T10:00:00+01:00", "gemeinde", "support-plus"),
            new Period("2026-11-21T10:00:00+01:00", null, "gross", "support-plus"));
        await world.SubscribeAsync("sub-m2", Muenchen, Parken, new Period("2026-11-03T09:00:00+01:00", null, "standard"));
        await world.SetupFeeAsync("sub-m1", "einrichtung", "2026-11-03T09:00:00+01:00");
        // Nürnberg: a yearly add-on from mid-month and usage over both tiers.
        await world.SubscribeAsync("sub-n1", Nuernberg, Bauantrag, new Period("2026-11-10T00:00:00+01:00", null, "gemeinde", "archiv"));
        // Flensburg: cancels its add-on on the 16th.
        await world.SubscribeAsync("sub-f1", Flensburg, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-16T00:00:00+01:00", "gemeinde", "support-plus"),
            new Period("2026-11-16T00:00:00+01:00", null, "gemeinde"));
        // Berlin: a subscription to each of many offerings, each with a monthly and a yearly add-on, usage over two tiers and a setup fee.
        var berlinEvents = new List<Metering.UsageEventInput>();
        await using (var c = await world.Database.OpenAsync())
        {
            await c.ExecuteAsync("""
                INSERT INTO municipalities (ags, ars, name, land_code, kreis_key, population, postal_code)
                VALUES ('11000000', '110000000000', 'Berlin', '01', '11000', 3700000, '10117')
                """);
            var offerings = Enumerable.Range(0, BerlinOfferings).Select(i => new { o = $"dienst-{i:000}", name = $"Onlinedienst {i}" }).ToList();
            await c.ExecuteAsync("""
                INSERT INTO offerings (id, vendor_id, name, name_en, summary, reifegrad, hosting_location, provisioning_type, price_from_cents, document_json, content_hash)
                VALUES (@o, 'vendor-b', @name, @name, 's', 3, 'de', 'manual', 0, '{}', 'h')
                """, offerings);
            await c.ExecuteAsync("""
                INSERT INTO plans (offering_id, plan_id, position, name, name_en, funder, list_value_cents_per_month)
                VALUES (@o, 'standard', 0, 'Standard', 'Standard', 'Land Berlin', 7000)
                """, offerings);
            foreach (var (extra, kind, interval, price, unit, included) in new (string, string, string?, long?, string?, long?)[]
                     {
                         ("support", "addon", "month", 4100, null, null), ("archiv", "addon", "year", 24000, null, null),
                         ("faelle", "metered", null, null, "Fall", 20), ("einrichtung", "setup", null, 120000, null, null),
                     })
                await c.ExecuteAsync("""
                    INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month)
                    VALUES (@o, 'standard', @extra, @kind, @extra, @extra, @interval, @price, @unit, @included)
                    """, offerings.Select(x => new { x.o, extra, kind, interval, price, unit, included }));
            await c.ExecuteAsync("""
                INSERT INTO plan_extra_tiers (offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents)
                VALUES (@o, 'standard', 'faelle', 0, 100, 333), (@o, 'standard', 'faelle', 1, NULL, 275)
                """, offerings);
            foreach (var x in offerings)
            {
                var id = $"sub-{x.o}";
                await world.SubscribeAsync(id, Berlin, x.o, new Period("2026-10-01T00:00:00+02:00", null, "standard", "support,archiv"));
                await world.SetupFeeAsync(id, "einrichtung", "2026-11-02T09:00:00+01:00");
                berlinEvents.Add(Event($"b-{x.o}", id, "faelle", 150 + berlinEvents.Count, "2026-11-24T10:00:00Z"));
            }
        }

        world.Clock.Now = DateTimeOffset.Parse("2026-11-25T12:00:00Z");
        await world.Ingestion.IngestAsync(VendorA, [Event("m-1", "sub-m1", "antraege", 180, "2026-11-20T10:00:00Z"), Event("n-1", "sub-n1", "antraege", 333, "2026-11-24T10:00:00Z")]);
        await world.Ingestion.IngestAsync(VendorB, [Event("p-1", "sub-m2", "buchungen", 1234, "2026-11-24T10:00:00Z"), .. berlinEvents]);
        world.Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");
        await world.Runs.RunAsync(November, Admin);

        foreach (var (ags, leitweg) in new[] { (Muenchen, "09162000-0001-54"), (Nuernberg, "09564000-12345-88"), (Flensburg, "01001000-24"), (Berlin, "11-RECHNUNG-05") })
            await world.AccountAsync(ags, leitweg: leitweg);
        if (beforeFinalising is not null) await beforeFinalising();
        var (finalized, problems, _) = await world.Invoices.FinalizePeriodAsync(November, Admin);
        Assert.That(problems, Is.Empty, "the platform's own check refused an invoice");

        var documents = new Dictionary<string, XDocument>();
        foreach (var invoice in finalized)
        {
            var document = (await world.Invoices.GetAsync(invoice.Id))!;
            using var bytes = new MemoryStream(BillingApi.XRechnungFile(document));
            documents[invoice.Number] = XDocument.Load(bytes);
        }
        return documents;
    }

    [Test]
    public async Task Every_invoice_a_billing_run_issues_passes_the_official_XRechnung_validation()
    {
        var documents = new Dictionary<string, XDocument>();
        foreach (var rate in new[] { 19m, 7m })
        {
            await using var world = await BillingWorld.CreateAsync(engine, new BillingOptions { Seller = Seller, VatRatePercent = rate });
            foreach (var (number, xml) in await BillNovemberAsync(world)) documents[$"{rate:0}pct-{number}"] = xml;
        }
        Assert.That(documents, Has.Count.EqualTo(8), "four municipalities, at two VAT rates");
        var largest = documents.Values.Max(d => d.Root!.Elements(XRechnungWriter.Cac + "InvoiceLine").Count());
        Assert.That(largest, Is.GreaterThanOrEqualTo(BerlinOfferings * 5), "the big city's invoice carries a line per subscription, extra and tier");

        var findings = OfficialXRechnungValidator.Validate(documents);
        TestContext.Out.WriteLine($"Official XRechnung validation ({engine}): {documents.Count} documents (largest {largest} lines), " +
                                  $"{findings.Count} findings, {findings.Count(f => f.Rejects)} rejecting.");
        foreach (var f in findings) TestContext.Out.WriteLine(f);
        Assert.That(findings.Where(f => f.Rejects).Select(f => f.ToString()), Is.Empty);
        Assert.That(documents.Values.SelectMany(XRechnungRules.Check), Is.Empty, "the platform's own check agrees");
    }

    [Test]
    public async Task Every_document_kind_with_VAT_categories_and_credit_notes_passes_the_official_XRechnung_validation()
    {
        var seller = Seller;
        seller.LegalRegistrationId = "HRB 123456 B";
        var options = new BillingOptions { Seller = seller };
        // Schleswig-Holstein's municipalities buy from a public-body seller there, not subject to VAT (§ 2b UStG), in this test.
        options.VatByLand["01"] = new VatDefaultOptions { Category = VatCategories.NotSubject, ExemptionReason = "Nicht steuerbar (§ 2b UStG)", ExemptionReasonCode = "VATEX-EU-O" };
        await using var world = await BillingWorld.CreateAsync(engine, options);
        // München's invoice: support at 19 %, usage at 7 % (S), the setup fee exempt (E), parking bookings zero rated (Z).
        await world.ExtraVatAsync(Bauantrag, "gross", "antraege", VatTreatment.Standard(700));
        await world.ExtraVatAsync(Bauantrag, "gemeinde", "einrichtung", new VatTreatment(VatCategories.Exempt, 0, "Steuerfrei nach § 4 Nr. 21 UStG", "VATEX-EU-132"));
        await world.ExtraVatAsync(Parken, "standard", "buchungen", new VatTreatment(VatCategories.ZeroRated, 0));
        // Nürnberg's Leitweg-ID is gone by the time its invoice is issued: it is invoiced by e-mail with its AGS as buyer reference.
        var documents = await BillNovemberAsync(world, async () =>
        {
            await using var c = await world.Database.OpenAsync();
            await c.ExecuteAsync("UPDATE organisations SET leitweg_id = NULL WHERE municipality_ags = @ags", new { ags = Nuernberg });
        });
        Assert.That(documents, Has.Count.EqualTo(4));

        world.Clock.Now = DateTimeOffset.Parse("2026-12-10T09:00:00Z");
        var issued = new Dictionary<string, InvoiceDocument>();
        foreach (var ags in new[] { Muenchen, Nuernberg, Flensburg })
            issued[ags] = (await world.Invoices.GetAsync((await world.Invoices.ListIssuedForMunicipalityAsync(ags)).Single().Id))!;
        Assert.That(issued[Muenchen].VatGroups.Select(g => g.Treatment.Key), Is.EquivalentTo(new[] { "E-0-VATEX-EU-132", "S-1900", "S-700", "Z-0" }));
        Assert.That(issued[Flensburg].Lines.Select(l => l.VatCategory).Distinct(), Is.EqualTo(new[] { VatCategories.NotSubject }));

        await world.Invoices.VoidAsync(issued[Muenchen].Invoice.Id, Admin);
        await world.Invoices.VoidAsync(issued[Flensburg].Invoice.Id, Admin);
        var usage = issued[Nuernberg].Lines.First(l => l.Kind == ExtraKind.Metered);
        await world.CreditNotes.CorrectAsync(issued[Nuernberg].Invoice.Id, [new LineCorrection(usage.LineNo, usage.Quantity - 7)], "Anbieter hat 7 Anträge doppelt gemeldet", Admin);
        // Upward corrections: Nürnberg (no Leitweg-ID, corrected downwards before) and Berlin's large invoice get usage reported
        // too low; each is cancelled by a credit note and replaced by a new invoice naming it (BT-25/BT-26).
        usage = (await world.Invoices.GetAsync(issued[Nuernberg].Invoice.Id))!.Lines.First(l => l.Kind == ExtraKind.Metered);
        var replacements = new List<InvoiceReplacement>
        {
            await world.CreditNotes.ReplaceAsync(issued[Nuernberg].Invoice.Id, [new LineCorrection(usage.LineNo, usage.Quantity + 25)], "Anbieter hat 25 Anträge zu wenig gemeldet", Admin),
        };
        var berlin = (await world.Invoices.GetAsync((await world.Invoices.ListIssuedForMunicipalityAsync(Berlin)).Single().Id))!;
        var berlinUsage = berlin.Lines.Where(l => l.Kind == ExtraKind.Metered).Take(2).ToList();
        replacements.Add(await world.CreditNotes.ReplaceAsync(berlin.Invoice.Id,
            [new LineCorrection(berlinUsage[0].LineNo, berlinUsage[0].Quantity + 40), new LineCorrection(berlinUsage[1].LineNo, 0)], "Fälle nachgemeldet", Admin));
        foreach (var r in replacements)
            documents[$"{r.Invoice.Invoice.Number} (replacement)"] = XDocument.Load(new MemoryStream(BillingApi.XRechnungFile((await world.Invoices.GetAsync(r.Invoice.Invoice.Id))!)));
        foreach (var ags in issued.Keys.Append(Berlin))
            foreach (var note in await world.CreditNotes.ListForMunicipalityAsync(ags))
                documents[$"{note.Number} ({note.Kind})"] = XDocument.Load(new MemoryStream(BillingApi.XRechnungFile((await world.CreditNotes.GetAsync(note.Id))!)));
        Assert.That(documents, Has.Count.EqualTo(11), "four invoices, two voided, one corrected, two replaced by two new invoices");
        Assert.That(documents.Keys.Count(k => k.EndsWith("(replacement)", StringComparison.Ordinal)), Is.EqualTo(4), "two credit notes and two new invoices");

        var findings = OfficialXRechnungValidator.Validate(documents);
        TestContext.Out.WriteLine($"Official XRechnung validation ({engine}), VAT categories and credit notes: {documents.Count} documents, " +
                                  $"{findings.Count} findings, {findings.Count(f => f.Rejects)} rejecting.");
        foreach (var f in findings) TestContext.Out.WriteLine(f);
        Assert.That(findings.Where(f => f.Rejects).Select(f => f.ToString()), Is.Empty);
        Assert.That(documents.Values.SelectMany(XRechnungRules.Check), Is.Empty, "the platform's own check agrees");
    }

    [Test]
    public async Task A_month_mixing_items_not_subject_to_VAT_with_taxed_ones_is_reported_and_not_invoiced()
    {
        var options = new BillingOptions { Seller = Seller };
        await using var world = await BillingWorld.CreateAsync(engine, options);
        await world.ExtraVatAsync(Bauantrag, "gemeinde", "archiv", new VatTreatment(VatCategories.NotSubject, 0, "Nicht steuerbar (§ 2b UStG)", "VATEX-EU-O"));
        await world.SubscribeAsync("sub-m1", Muenchen, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus,archiv"));
        await world.SubscribeAsync("sub-n1", Nuernberg, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus"));
        var result = await world.Runs.RunAsync(November, Admin);
        Assert.That(result.Problems, Has.Some.Contains("BR-O-11").And.Some.Contains(Muenchen));
        Assert.That((await world.Invoices.ListForPeriodAsync(November)).Select(i => i.MunicipalityAgs), Is.EqualTo(new[] { Nuernberg }));
    }
}
