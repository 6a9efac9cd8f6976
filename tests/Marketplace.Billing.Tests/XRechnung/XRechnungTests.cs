using System.Text.Json;
using System.Xml.Linq;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Tests.Support;
using Marketplace.Billing.XRechnung;
using NUnit.Framework;

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
            new("inv-1", 1, ExtraKind.SetupFee, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "einrichtung", "Einrichtung", null, InvoiceCalculator.UnitOneTime, 1, 50_000, 1, 50_000, "2026-11-03", "2026-11-03"),
            new("inv-1", 2, ExtraKind.AddOn, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "support-plus", "Support Plus", null, InvoiceCalculator.UnitDay, 20, 3100, 30, 2067, "2026-11-01", "2026-11-20"),
            new("inv-1", 3, ExtraKind.Metered, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "antraege", "Bauanträge", 0, "Antrag", 100, 2500, 1, 250_000, "2026-11-01", "2026-11-30"),
            new("inv-1", 4, ExtraKind.Metered, "sub-1", "bauantrag", "Digitaler Bauantrag", "gemeinde", "antraege", "Bauanträge", 1, "Antrag", 3, 1800, 1, 5_400, "2026-11-01", "2026-11-30"),
        };
        var net = lines.Sum(l => l.AmountCents);
        var vat = Money.Vat(net, 1900);
        var buyer = new InvoiceBuyer("09162000", "Landeshauptstadt München", Leitweg, "Marienplatz 8", "80331", "München", "DE", "kasse@muenchen.example");
        var invoice = new Invoice("inv-1", "MP-202611-000001", "09162000", "2026-11", "run-1", InvoiceStates.Finalized, "EUR", net, 1900, vat, net + vat,
            "2026-11-01", "2026-11-30", "xrechnung", "2026-12-05", "2027-01-04", JsonSerializer.Serialize(buyer),
            JsonSerializer.Serialize(InvoiceSeller.From(BillingWorld.Seller)), null, null, null, "2026-12-01T06:00:00.0000000Z", "2026-12-05T09:00:00.0000000Z");
        return new InvoiceDocument(invoice, lines);
    }

    /// <summary>The sample at another VAT rate (category S), with VAT and gross recomputed.</summary>
    private static InvoiceDocument AtRate(int basisPoints)
    {
        var d = Sample();
        var vat = Money.Vat(d.Invoice.NetCents, basisPoints);
        return d with { Invoice = d.Invoice with { VatRateBasisPoints = basisPoints, VatCents = vat, GrossCents = d.Invoice.NetCents + vat } };
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
        };
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

        Assert.That(rejected.Keys, Does.Not.Contain("sample-19pct").And.Not.Contain("sample-7pct"));
        Assert.That(rejected.GetValueOrDefault("sample-0pct-S"), Does.Contain("BR-S-05"), "category S at 0 % is what every receiver rejects");
        var missed = documents.Where(d => rejected.ContainsKey(d.Key) && XRechnungRules.Check(d.Value).Count == 0)
            .Select(d => $"{d.Key}: official {string.Join(", ", rejected[d.Key])}, platform none").ToList();
        Assert.That(missed, Is.Empty, "the platform would finalise what the official rules reject");
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
