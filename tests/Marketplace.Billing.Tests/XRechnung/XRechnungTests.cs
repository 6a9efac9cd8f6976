using System.Text.Json;
using System.Xml.Linq;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Tests.Support;
using Marketplace.Billing.XRechnung;
using NUnit.Framework;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Tests.XRechnung;

public class XRechnungTests
{
    private static readonly XNamespace Cac = XRechnungWriter.Cac;
    private static readonly XNamespace Cbc = XRechnungWriter.Cbc;
    private const string Leitweg = "09162000-12345-95";

    /// <summary>A finalized invoice with an add-on prorated by days, two usage tiers and a setup fee.</summary>
    internal static InvoiceDocument Sample()
    {
        var lines = new List<InvoiceLine>
        {
            new("inv-1", 1, ExtraKind.SetupFee, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "einrichtung", "Einrichtung", null, InvoiceCalculator.UnitOneTime, 1, 50_000, 1, 50_000, "2026-11-03", "2026-11-03", VatCategories.Standard, 1900, null, null),
            new("inv-1", 2, ExtraKind.AddOn, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "support-plus", "Support Plus", null, InvoiceCalculator.UnitDay, 20, 3100, 30, 2067, "2026-11-01", "2026-11-20", VatCategories.Standard, 1900, null, null),
            new("inv-1", 3, ExtraKind.Metered, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "antraege", "Bauanträge", 0, "Antrag", 100, 2500, 1, 250_000, "2026-11-01", "2026-11-30", VatCategories.Standard, 1900, null, null),
            new("inv-1", 4, ExtraKind.Metered, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "antraege", "Bauanträge", 1, "Antrag", 3, 1800, 1, 5_400, "2026-11-01", "2026-11-30", VatCategories.Standard, 1900, null, null),
        };
        var net = lines.Sum(l => l.AmountCents);
        var vat = Money.Vat(net, 1900);
        var buyer = new InvoiceBuyer("09162000", "Landeshauptstadt München", Leitweg, "Marienplatz 8", "80331", "München", "DE", "kasse@muenchen.example");
        var invoice = new Invoice("inv-1", "MP-202611-000001", "09162000", "2026-11", "run-1", InvoiceStates.Finalized, "EUR", net, 1900, vat, net + vat,
            "2026-11-01", "2026-11-30", "xrechnung", "2026-12-05", "2027-01-04", JsonSerializer.Serialize(buyer),
            JsonSerializer.Serialize(InvoiceSeller.From(BillingWorld.Seller)), null, null, null,
            new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
        return new InvoiceDocument(invoice, lines);
    }

    /// <summary>The sample at another VAT rate (category S), with VAT and gross recomputed.</summary>
    private static InvoiceDocument AtRate(int basisPoints)
    {
        var d = Sample();
        var vat = Money.Vat(d.Invoice.NetCents, basisPoints);
        return new InvoiceDocument(d.Invoice with { VatRateBasisPoints = basisPoints, VatCents = vat, GrossCents = d.Invoice.NetCents + vat },
            d.Lines.Select(l => l with { VatRateBasisPoints = basisPoints }).ToList());
    }

    internal static readonly VatTreatment ExemptSocial = new(VatCategories.Exempt, 0, "Steuerfrei nach § 4 Nr. 21 UStG", "VATEX-EU-132");
    internal static readonly VatTreatment NotSubject = new(VatCategories.NotSubject, 0, "Nicht steuerbar (§ 2b UStG)", "VATEX-EU-O");

    /// <summary>The sample with lines at 19 % and 7 % (S), exempt (E) and zero rated (Z) in one invoice, totals per EN 16931.</summary>
    internal static InvoiceDocument Mixed()
    {
        var d = Sample();
        VatTreatment[] vat = [ExemptSocial, VatTreatment.Standard(1900), VatTreatment.Standard(700), new(VatCategories.ZeroRated, 0)];
        var lines = d.Lines.Select((l, i) => l with
        {
            VatCategory = vat[i].Category, VatRateBasisPoints = vat[i].RateBasisPoints, VatExemptionReason = vat[i].ExemptionReason, VatExemptionCode = vat[i].ExemptionCode,
        }).ToList();
        return Totalled(d.Invoice, lines);
    }

    /// <summary>The sample not subject to VAT (O), sold by a seller identified by its legal registration.</summary>
    internal static InvoiceDocument NotSubjectToVat()
    {
        var d = Sample();
        var seller = InvoiceSeller.From(BillingWorld.Seller) with { LegalRegistrationId = "HRB 123456 B" };
        var lines = d.Lines.Select(l => l with { VatCategory = NotSubject.Category, VatRateBasisPoints = 0, VatExemptionReason = NotSubject.ExemptionReason, VatExemptionCode = NotSubject.ExemptionCode }).ToList();
        return Totalled(d.Invoice with { SellerJson = JsonSerializer.Serialize(seller) }, lines);
    }

    private static InvoiceDocument Totalled(Invoice invoice, List<InvoiceLine> lines)
    {
        var document = new InvoiceDocument(invoice, lines);
        var vat = document.VatGroups.Sum(g => g.VatCents);
        return document with { Invoice = invoice with { VatCents = vat, GrossCents = invoice.NetCents + vat, VatRateBasisPoints = lines.Max(l => l.VatRateBasisPoints) } };
    }

    /// <summary>A credit note for <paramref name="invoice"/>: all of it (void), or the lines given (a correction).</summary>
    internal static CreditNoteDocument CreditNoteFor(InvoiceDocument invoice, string kind = CreditNoteKinds.Void, IReadOnlyList<InvoiceLine>? lines = null)
    {
        var credited = (lines ?? invoice.Lines).Select(l => l with { InvoiceId = "cn-1" }).ToList();
        var groups = VatBreakdown.Of(credited, l => l.Vat, l => l.AmountCents);
        var (net, vat) = (credited.Sum(l => l.AmountCents), groups.Sum(g => g.VatCents));
        var i = invoice.Invoice;
        var note = new CreditNote("cn-1", "MP-GS-2026-000001", i.Id, i.Number, i.IssueDate!, i.MunicipalityAgs, i.Period, i.PeriodStart, i.PeriodEnd, kind,
            kind == CreditNoteKinds.Void ? "Rechnung storniert." : "Nutzung vom Anbieter korrigiert.", i.Currency, net, vat, net + vat, "2026-12-10",
            i.PaymentChannel, i.BuyerJson!, i.SellerJson!, null, new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero));
        return new CreditNoteDocument(note, credited);
    }

    /// <summary>Schema findings by the official OASIS UBL 2.1 XML Schema.</summary>
    private static IReadOnlyList<OfficialFinding> Validate(XDocument xml)
    {
        OfficialXRechnungValidator.Require();
        return OfficialXRechnungValidator.ValidateSchema("sample", xml);
    }

    [Test]
    public void The_invoice_is_valid_UBL_2_1_by_the_schema()
    {
        Assert.That(Validate(XRechnungWriter.Write(Sample())), Is.Empty);
    }

    [Test]
    public void The_schema_check_catches_an_element_out_of_order_and_a_missing_one()
    {
        var swapped = XRechnungWriter.Write(Sample());
        var reference = swapped.Root!.Element(Cbc + "BuyerReference")!;
        reference.Remove();
        swapped.Root!.Element(Cac + "InvoicePeriod")!.AddAfterSelf(reference);
        Assert.That(Validate(swapped), Is.Not.Empty);

        var missing = XRechnungWriter.Write(Sample());
        missing.Root!.Element(Cac + "LegalMonetaryTotal")!.Remove();
        Assert.That(Validate(missing), Is.Not.Empty);

        var unknown = XRechnungWriter.Write(Sample());
        unknown.Root!.Element(Cbc + "IssueDate")!.AddAfterSelf(new XElement(Cbc + "Bogus", "x"));
        Assert.That(Validate(unknown), Is.Not.Empty);
    }

    [Test]
    public void It_is_an_XRechnung_3_0_with_the_Leitweg_ID_as_buyer_reference()
    {
        var xml = XRechnungWriter.Write(Sample());
        Assert.That(xml.Root!.Element(Cbc + "CustomizationID")!.Value, Is.EqualTo("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"));
        Assert.That(xml.Root!.Element(Cbc + "BuyerReference")!.Value, Is.EqualTo(Leitweg));
        Assert.That(xml.Root!.Element(Cac + "AccountingCustomerParty")!.Descendants(Cbc + "EndpointID").Single().Attribute("schemeID")!.Value, Is.EqualTo("0204"));
    }

    [Test]
    public void It_meets_BR_DE_1_to_16_and_the_EN_16931_calculation_rules()
    {
        Assert.That(XRechnungRules.Check(XRechnungWriter.Write(Sample())), Is.Empty);
    }

    [Test]
    public void Totals_and_vat_breakdown_carry_the_invoice_amounts()
    {
        var xml = XRechnungWriter.Write(Sample());
        var totals = xml.Root!.Element(Cac + "LegalMonetaryTotal")!;
        Assert.That(totals.Element(Cbc + "LineExtensionAmount")!.Value, Is.EqualTo("3074.67"));
        Assert.That(xml.Root!.Element(Cac + "TaxTotal")!.Element(Cbc + "TaxAmount")!.Value, Is.EqualTo("584.19"));   // 19 % of 3074.67 = 584.1873
        Assert.That(totals.Element(Cbc + "PayableAmount")!.Value, Is.EqualTo("3658.86"));
        var addOn = xml.Root!.Elements(Cac + "InvoiceLine").ElementAt(1);
        Assert.That(addOn.Element(Cbc + "InvoicedQuantity")!.Attribute("unitCode")!.Value, Is.EqualTo("DAY"));
        Assert.That(addOn.Element(Cac + "Price")!.Element(Cbc + "BaseQuantity")!.Value, Is.EqualTo("30"));
    }

    private static readonly object[] BrokenRules =
    [
        new object[] { "BR-DE-1", (Action<XElement>)(r => r.Element(Cac + "PaymentMeans")!.Remove()) },
        new object[] { "BR-DE-2", (Action<XElement>)(r => Seller(r).Element(Cac + "Contact")!.Remove()) },
        new object[] { "BR-DE-3", (Action<XElement>)(r => Seller(r).Element(Cac + "PostalAddress")!.Element(Cbc + "CityName")!.Remove()) },
        new object[] { "BR-DE-4", (Action<XElement>)(r => Seller(r).Element(Cac + "PostalAddress")!.Element(Cbc + "PostalZone")!.Remove()) },
        new object[] { "BR-DE-5", (Action<XElement>)(r => Seller(r).Element(Cac + "Contact")!.Element(Cbc + "Name")!.Remove()) },
        new object[] { "BR-DE-6", (Action<XElement>)(r => Seller(r).Element(Cac + "Contact")!.Element(Cbc + "Telephone")!.Remove()) },
        new object[] { "BR-DE-7", (Action<XElement>)(r => Seller(r).Element(Cac + "Contact")!.Element(Cbc + "ElectronicMail")!.Remove()) },
        new object[] { "BR-DE-8", (Action<XElement>)(r => Buyer(r).Element(Cac + "PostalAddress")!.Element(Cbc + "CityName")!.Remove()) },
        new object[] { "BR-DE-9", (Action<XElement>)(r => Buyer(r).Element(Cac + "PostalAddress")!.Element(Cbc + "PostalZone")!.Remove()) },
        new object[] { "BR-DE-10", (Action<XElement>)(r => r.Element(Cac + "AccountingCustomerParty")!.AddAfterSelf(DeliverTo(new XElement(Cbc + "PostalZone", "80331")))) },
        new object[] { "BR-DE-11", (Action<XElement>)(r => r.Element(Cac + "AccountingCustomerParty")!.AddAfterSelf(DeliverTo(new XElement(Cbc + "CityName", "München")))) },
        new object[] { "BR-DE-13", (Action<XElement>)(r => r.Element(Cac + "PaymentMeans")!.Add(new XElement(Cac + "CardAccount", new XElement(Cbc + "PrimaryAccountNumberID", "1234")))) },
        new object[] { "BR-DE-14", (Action<XElement>)(r => r.Descendants(Cac + "TaxSubtotal").Single().Element(Cac + "TaxCategory")!.Element(Cbc + "Percent")!.Remove()) },
        new object[] { "BR-DE-15", (Action<XElement>)(r => r.Element(Cbc + "BuyerReference")!.Remove()) },
        new object[] { "BR-DE-16", (Action<XElement>)(r => Seller(r).Element(Cac + "PartyTaxScheme")!.Remove()) },
        new object[] { "BR-DE-19", (Action<XElement>)(r => r.Descendants(Cac + "PayeeFinancialAccount").Single().Element(Cbc + "ID")!.Value = "DE02120300000000202052") },
        new object[] { "BR-DE-21", (Action<XElement>)(r => r.Element(Cbc + "CustomizationID")!.Value = "urn:cen.eu:en16931:2017") },
        new object[] { "BR-CO-10", (Action<XElement>)(r => r.Elements(Cac + "InvoiceLine").First().Element(Cbc + "LineExtensionAmount")!.Value = "1.00") },
        new object[] { "BR-S-09", (Action<XElement>)(r => r.Descendants(Cac + "TaxSubtotal").Single().Element(Cbc + "TaxAmount")!.Value = "584.18") },
    ];

    [Test]
    public void The_platform_check_rejects_every_document_the_official_rules_reject()
    {
        OfficialXRechnungValidator.Require();
        var documents = new Dictionary<string, XDocument>
        {
            ["sample-19pct"] = XRechnungWriter.Write(Sample()), ["sample-7pct"] = XRechnungWriter.Write(AtRate(700)),
            ["sample-0pct-S"] = XRechnungWriter.Write(AtRate(0)),
            ["mixed-S19-S7-E-Z"] = XRechnungWriter.Write(Mixed()), ["not-subject-O"] = XRechnungWriter.Write(NotSubjectToVat()),
            ["credit-note-void"] = XRechnungWriter.Write(CreditNoteFor(Mixed())),
            ["credit-note-correction"] = XRechnungWriter.Write(CreditNoteFor(Sample(), CreditNoteKinds.Correction, [Sample().Lines[3] with { Quantity = 2, AmountCents = 3_600 }])),
            ["credit-note-O"] = XRechnungWriter.Write(CreditNoteFor(NotSubjectToVat())),
        };
        foreach (var broken in BrokenVat.Cast<object[]>())
            documents[$"broken-{broken[0]}"] = (XDocument)broken[1];
        foreach (var broken in BrokenRules.Cast<object[]>())
        {
            var xml = XRechnungWriter.Write(Sample());
            ((Action<XElement>)broken[1])(xml.Root!);
            documents[$"broken-{broken[0]}"] = xml;
        }

        var findings = OfficialXRechnungValidator.Validate(documents);
        var rejected = findings.Where(f => f.Rejects).GroupBy(f => f.Document).ToDictionary(g => g.Key, g => g.Select(f => f.Rule).ToList());
        TestContext.Out.WriteLine($"Official XRechnung validation: {documents.Count} documents, {findings.Count} findings, {rejected.Count} documents rejected.");
        foreach (var f in findings) TestContext.Out.WriteLine(f);

        Assert.That(rejected.Keys.Where(k => !k.StartsWith("broken-", StringComparison.Ordinal) && k != "sample-0pct-S"), Is.Empty,
            "every invoice and credit note the platform writes passes: several VAT categories, not subject to VAT, void and correction");
        Assert.That(rejected.Keys, Is.SupersetOf(BrokenVat.Cast<object[]>().Select(b => $"broken-{b[0]}")), "each broken VAT rule is one a receiver rejects");
        Assert.That(rejected.GetValueOrDefault("sample-0pct-S"), Does.Contain("BR-S-05"), "category S at 0 % is what every receiver rejects");
        var missed = documents.Where(d => rejected.ContainsKey(d.Key) && XRechnungRules.Check(d.Value).Count == 0)
            .Select(d => $"{d.Key}: official {string.Join(", ", rejected[d.Key])}, platform none").ToList();
        Assert.That(missed, Is.Empty, "the platform would finalise what the official rules reject");
    }

    /// <summary>Documents breaking one VAT category or credit-note rule each, with the rule the official validation must name.</summary>
    private static readonly object[] BrokenVat =
    [
        new object[] { "BR-O-11", Mixing(NotSubjectToVat(), 0, VatTreatment.Standard(1900)) },
        new object[] { "BR-E-10", Mixing(Sample(), 0, ExemptSocial with { ExemptionReason = null, ExemptionCode = null }) },
        new object[] { "BR-Z-10", Mixing(Sample(), 0, new VatTreatment(VatCategories.ZeroRated, 0, "Nullsatz")) },
        new object[] { "BR-O-02", WithSellerVatId(XRechnungWriter.Write(NotSubjectToVat())) },
    ];

    private static XDocument Mixing(InvoiceDocument d, int line, VatTreatment vat)
    {
        var lines = d.Lines.ToList();
        lines[line] = lines[line] with { VatCategory = vat.Category, VatRateBasisPoints = vat.RateBasisPoints, VatExemptionReason = vat.ExemptionReason, VatExemptionCode = vat.ExemptionCode };
        return XRechnungWriter.Write(Totalled(d.Invoice, lines));
    }

    private static XDocument WithSellerVatId(XDocument xml)
    {
        Seller(xml.Root!).Element(Cac + "PostalAddress")!.AddAfterSelf(new XElement(Cac + "PartyTaxScheme", new XElement(Cbc + "CompanyID", "DE123456789"),
            new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT"))));
        return xml;
    }

    [Test]
    public void Several_VAT_categories_get_one_breakdown_group_each_rounded_once()
    {
        var xml = XRechnungWriter.Write(Mixed());
        var groups = xml.Descendants(Cac + "TaxSubtotal")
            .Select(g => (Category: g.Element(Cac + "TaxCategory")!.Element(Cbc + "ID")!.Value, Percent: g.Element(Cac + "TaxCategory")!.Element(Cbc + "Percent")!.Value,
                Taxable: g.Element(Cbc + "TaxableAmount")!.Value, Tax: g.Element(Cbc + "TaxAmount")!.Value,
                Reason: g.Element(Cac + "TaxCategory")!.Element(Cbc + "TaxExemptionReasonCode")?.Value)).ToList();
        Assert.That(groups, Is.EqualTo(new[]
        {
            ("E", "0", "500.00", "0.00", (string?)"VATEX-EU-132"), ("S", "19", "20.67", "3.93", null), ("S", "7", "2500.00", "175.00", null), ("Z", "0", "54.00", "0.00", null),
        }));
        Assert.That(xml.Root!.Element(Cac + "TaxTotal")!.Element(Cbc + "TaxAmount")!.Value, Is.EqualTo("178.93"));
        Assert.That(XRechnungRules.Check(xml), Is.Empty);
    }

    [Test]
    public void An_invoice_not_subject_to_VAT_has_no_line_rates_and_no_seller_VAT_id()
    {
        var xml = XRechnungWriter.Write(NotSubjectToVat());
        Assert.That(xml.Descendants(Cac + "ClassifiedTaxCategory").Select(c => c.Element(Cbc + "Percent")), Is.All.Null);
        Assert.That(Seller(xml.Root!).Element(Cac + "PartyTaxScheme"), Is.Null);
        Assert.That(Seller(xml.Root!).Element(Cac + "PartyLegalEntity")!.Element(Cbc + "CompanyID")!.Value, Is.EqualTo("HRB 123456 B"));
        Assert.That(XRechnungRules.Check(xml), Is.Empty);
    }

    [Test]
    public void A_credit_note_is_type_381_and_names_the_invoice_it_cancels()
    {
        var xml = XRechnungWriter.Write(CreditNoteFor(Sample()));
        Assert.That(xml.Root!.Name, Is.EqualTo(XRechnungWriter.UblCreditNote + "CreditNote"));
        Assert.That(xml.Root!.Element(Cbc + "CreditNoteTypeCode")!.Value, Is.EqualTo("381"));
        var reference = xml.Root!.Element(Cac + "BillingReference")!.Element(Cac + "InvoiceDocumentReference")!;
        Assert.That((reference.Element(Cbc + "ID")!.Value, reference.Element(Cbc + "IssueDate")!.Value), Is.EqualTo(("MP-202611-000001", "2026-12-05")));
        Assert.That(xml.Root!.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value,
            Is.EqualTo(XRechnungWriter.Write(Sample()).Root!.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value));
        Assert.That(Validate(xml), Is.Empty);
        Assert.That(XRechnungRules.Check(xml), Is.Empty);
    }

    [TestCase("S", 0, null, null, "BR-S-05")]
    [TestCase("E", 0, null, null, "BR-E-10")]
    [TestCase("E", 700, "steuerfrei", null, "BR-E-05")]
    [TestCase("Z", 0, "Nullsatz", null, "BR-Z-10")]
    [TestCase("O", 0, null, null, "BR-O-10")]
    [TestCase("AE", 0, "Reverse charge", "VATEX-EU-AE", "BR-AE-02")]
    [TestCase("K", 0, null, null, "not a VAT category")]
    public void A_VAT_treatment_a_receiver_would_reject_is_named_with_its_rule(string category, int rate, string? reason, string? code, string rule) =>
        Assert.That(new VatTreatment(category, rate, reason, code).Problems(), Has.Some.Contains(rule));

    [Test]
    public void Category_O_needs_the_seller_legal_registration()
    {
        Assert.That(NotSubject.Problems(sellerHasLegalRegistration: false), Has.Some.Contains("BR-O-02"));
        Assert.That(NotSubject.Problems(sellerHasLegalRegistration: true), Is.Empty);
        Assert.That(ExemptSocial.Problems(), Is.Empty);
    }

    [Test]
    public void Category_S_at_0_percent_is_refused_by_the_platform_check()
    {
        Assert.That(XRechnungRules.Check(XRechnungWriter.Write(AtRate(0))), Has.Some.StartsWith("BR-S-05:"));
        Assert.That(XRechnungRules.Check(XRechnungWriter.Write(AtRate(700))), Is.Empty);
    }

    [TestCaseSource(nameof(BrokenRules))]
    public void Each_rule_names_itself_when_its_field_is_missing(string rule, Action<XElement> breakIt)
    {
        var xml = XRechnungWriter.Write(Sample());
        breakIt(xml.Root!);
        Assert.That(XRechnungRules.Check(xml), Has.Some.StartsWith(rule + ":"));
    }

    [Test]
    public void A_draft_is_not_an_e_invoice()
    {
        var draft = Sample() with { Invoice = Sample().Invoice with { State = InvoiceStates.Draft, BuyerJson = null, SellerJson = null, IssueDate = null } };
        Assert.Throws<InvalidOperationException>(() => XRechnungWriter.Write(draft));
    }

    [TestCase("DE02120300000000202051", true)]
    [TestCase("DE02 1203 0000 0000 2020 51", true)]
    [TestCase("DE02120300000000202052", false)]
    [TestCase("XX", false)]
    public void IBANs_are_checked_by_their_check_digits(string iban, bool valid) => Assert.That(XRechnungRules.IsIban(iban), Is.EqualTo(valid));

    private static XElement Seller(XElement root) => root.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;
    private static XElement Buyer(XElement root) => root.Element(Cac + "AccountingCustomerParty")!.Element(Cac + "Party")!;
    private static XElement DeliverTo(XElement part) =>
        new(Cac + "Delivery", new XElement(Cac + "DeliveryLocation", new XElement(Cac + "Address", part)));
}
