using System.Globalization;
using System.Numerics;
using System.Xml.Linq;

namespace Marketplace.Billing.XRechnung;

/// <summary>
/// The business rules an XRechnung 3.0 must meet, checked on the XML: the German rules BR-DE-1 to BR-DE-16 (BR-DE-12 was
/// withdrawn; BR-DE-13 is checked in its 3.0 form BR-DE-23), the payment and IBAN rules that go with code 58, the electronic
/// addresses XRechnung 3.0 requires, and the EN 16931 core and calculation rules an invoice with one standard VAT rate meets.
/// Returns one message per broken rule, starting with the rule's id; empty when the invoice passes. This is the fast first
/// line before finalising; the tests keep it in agreement with the official rules (OfficialXRechnungValidator).
/// </summary>
public static class XRechnungRules
{
    private static readonly XNamespace Cac = XRechnungWriter.Cac;
    private static readonly XNamespace Cbc = XRechnungWriter.Cbc;

    public static IReadOnlyList<string> Check(XDocument xml)
    {
        var problems = new List<string>();
        void Rule(string id, bool ok, string text) { if (!ok) problems.Add($"{id}: {text}"); }
        var root = xml.Root!;
        var seller = root.Element(Cac + "AccountingSupplierParty")?.Element(Cac + "Party");
        var buyer = root.Element(Cac + "AccountingCustomerParty")?.Element(Cac + "Party");
        var sellerAddress = seller?.Element(Cac + "PostalAddress");
        var buyerAddress = buyer?.Element(Cac + "PostalAddress");
        var contact = seller?.Element(Cac + "Contact");
        var means = root.Elements(Cac + "PaymentMeans").ToList();
        var credit = root.Name.LocalName == "CreditNote";
        var lineElements = root.Elements(Cac + (credit ? "CreditNoteLine" : "InvoiceLine")).ToList();

        // EN 16931 core elements
        Rule("BR-01", Has(root.Element(Cbc + "CustomizationID")), "Specification identifier (BT-24) missing.");
        Rule("BR-02", Has(root.Element(Cbc + "ID")), "Invoice number (BT-1) missing.");
        Rule("BR-03", Has(root.Element(Cbc + "IssueDate")), "Issue date (BT-2) missing.");
        Rule("BR-04", Has(root.Element(Cbc + (credit ? "CreditNoteTypeCode" : "InvoiceTypeCode"))), "Invoice type code (BT-3) missing.");
        Rule("BR-05", Has(root.Element(Cbc + "DocumentCurrencyCode")), "Currency code (BT-5) missing.");
        Rule("BR-06", Has(seller?.Element(Cac + "PartyLegalEntity")?.Element(Cbc + "RegistrationName")), "Seller name (BT-27) missing.");
        Rule("BR-07", Has(buyer?.Element(Cac + "PartyLegalEntity")?.Element(Cbc + "RegistrationName")), "Buyer name (BT-44) missing.");
        Rule("BR-09", Has(sellerAddress?.Element(Cac + "Country")?.Element(Cbc + "IdentificationCode")), "Seller country code (BT-40) missing.");
        Rule("BR-11", Has(buyerAddress?.Element(Cac + "Country")?.Element(Cbc + "IdentificationCode")), "Buyer country code (BT-55) missing.");
        Rule("BR-16", lineElements.Count > 0, "An invoice has at least one line (BG-25).");
        if (credit)
            Rule("BR-55", root.Element(Cac + "BillingReference")?.Element(Cac + "InvoiceDocumentReference")?.Element(Cbc + "ID") is { } reference && Has(reference),
                "A credit note names the invoice it corrects (BT-25).");

        // German rules
        Rule("BR-DE-1", means.Count > 0, "Payment instructions (BG-16) missing.");
        Rule("BR-DE-2", contact is not null, "Seller contact (BG-6) missing.");
        Rule("BR-DE-3", Has(sellerAddress?.Element(Cbc + "CityName")), "Seller city (BT-37) missing.");
        Rule("BR-DE-4", Has(sellerAddress?.Element(Cbc + "PostalZone")), "Seller post code (BT-38) missing.");
        Rule("BR-DE-5", Has(contact?.Element(Cbc + "Name")), "Seller contact point (BT-41) missing.");
        Rule("BR-DE-6", Has(contact?.Element(Cbc + "Telephone")), "Seller contact telephone number (BT-42) missing.");
        Rule("BR-DE-7", Has(contact?.Element(Cbc + "ElectronicMail")), "Seller contact email address (BT-43) missing.");
        Rule("BR-DE-8", Has(buyerAddress?.Element(Cbc + "CityName")), "Buyer city (BT-52) missing.");
        Rule("BR-DE-9", Has(buyerAddress?.Element(Cbc + "PostalZone")), "Buyer post code (BT-53) missing.");
        foreach (var deliverTo in root.Elements(Cac + "Delivery").Select(d => d.Element(Cac + "DeliveryLocation")?.Element(Cac + "Address")).OfType<XElement>())
        {
            Rule("BR-DE-10", Has(deliverTo.Element(Cbc + "CityName")), "Deliver to city (BT-77) missing although a deliver-to address (BG-15) is given.");
            Rule("BR-DE-11", Has(deliverTo.Element(Cbc + "PostalZone")), "Deliver to post code (BT-78) missing although a deliver-to address (BG-15) is given.");
        }
        foreach (var m in means)
        {
            var groups = new[] { m.Element(Cac + "PayeeFinancialAccount"), m.Element(Cac + "CardAccount"), m.Element(Cac + "PaymentMandate") }.Count(g => g is not null);
            // At most one: a credit note set off against open claims (code 97) names no account at all.
            Rule("BR-DE-13", groups <= 1, "At most one of credit transfer (BG-17), payment card (BG-18) or direct debit (BG-19) may be given.");
            if (Text(m.Element(Cbc + "PaymentMeansCode")) is "58" or "30")
            {
                Rule("BR-DE-23-a", m.Element(Cac + "PayeeFinancialAccount") is not null, "Credit transfer (BG-17) missing for payment means code 30/58.");
                Rule("BR-DE-23-b", m.Element(Cac + "CardAccount") is null && m.Element(Cac + "PaymentMandate") is null,
                    "Payment card (BG-18) and direct debit (BG-19) must not be given with payment means code 30/58.");
            }
            if (Text(m.Element(Cbc + "PaymentMeansCode")) == "58")
                Rule("BR-DE-19", IsIban(Text(m.Element(Cac + "PayeeFinancialAccount")?.Element(Cbc + "ID"))), "Payment account identifier (BT-84) is not a valid IBAN.");
        }
        var subtotals = root.Element(Cac + "TaxTotal")?.Elements(Cac + "TaxSubtotal").ToList() ?? [];
        foreach (var s in subtotals)
            Rule("BR-DE-14", Has(s.Element(Cac + "TaxCategory")?.Element(Cbc + "Percent")), "VAT category rate (BT-119) missing.");
        Rule("BR-DE-15", Has(root.Element(Cbc + "BuyerReference")), "Buyer reference (BT-10), the Leitweg-ID, missing.");
        var categories = subtotals.Select(s => Text(s.Element(Cac + "TaxCategory")?.Element(Cbc + "ID"))).ToList();
        if (categories.Any(c => c is "S" or "Z" or "E" or "AE" or "K" or "G" or "L" or "M"))
            Rule("BR-DE-16", Has(seller?.Elements(Cac + "PartyTaxScheme").Select(p => p.Element(Cbc + "CompanyID")).FirstOrDefault())
                             || root.Element(Cac + "TaxRepresentativeParty") is not null,
                "Seller VAT identifier (BT-31), tax registration identifier (BT-32) or tax representative (BG-11) missing.");
        Rule("BR-DE-21", Text(root.Element(Cbc + "CustomizationID")) == XRechnungWriter.CustomizationId, "Specification identifier (BT-24) is not XRechnung 3.0.");
        Rule("XR-BT-34", Has(seller?.Element(Cbc + "EndpointID")), "Seller electronic address (BT-34) missing (required since XRechnung 3.0).");
        Rule("XR-BT-49", Has(buyer?.Element(Cbc + "EndpointID")), "Buyer electronic address (BT-49) missing (required since XRechnung 3.0).");

        // EN 16931 calculation rules
        var lines = lineElements.Select(l => Amount(l.Element(Cbc + "LineExtensionAmount"))).ToList();
        var totals = root.Element(Cac + "LegalMonetaryTotal");
        var lineTotal = Amount(totals?.Element(Cbc + "LineExtensionAmount"));
        var taxExclusive = Amount(totals?.Element(Cbc + "TaxExclusiveAmount"));
        var taxInclusive = Amount(totals?.Element(Cbc + "TaxInclusiveAmount"));
        var payable = Amount(totals?.Element(Cbc + "PayableAmount"));
        var taxTotal = Amount(root.Element(Cac + "TaxTotal")?.Element(Cbc + "TaxAmount"));
        Rule("BR-CO-10", lines.Sum() == lineTotal, "Sum of line net amounts (BT-131) differs from BT-106.");
        Rule("BR-CO-13", taxExclusive == lineTotal, "Total without VAT (BT-109) differs from the sum of lines (no allowances or charges).");
        Rule("BR-CO-14", subtotals.Sum(s => Amount(s.Element(Cbc + "TaxAmount"))) == taxTotal, "VAT total (BT-110) differs from the sum of the VAT breakdown.");
        Rule("BR-CO-15", taxInclusive == taxExclusive + taxTotal, "Total with VAT (BT-112) differs from BT-109 + BT-110.");
        Rule("BR-CO-16", payable == taxInclusive, "Amount due (BT-115) differs from BT-112 (nothing prepaid).");
        // EN 16931 VAT category rules for the categories the marketplace writes (S, Z, E, O)
        var lineCategories = lineElements.Select(l => (Net: Amount(l.Element(Cbc + "LineExtensionAmount")),
            Tax: l.Element(Cac + "Item")?.Element(Cac + "ClassifiedTaxCategory"))).ToList();
        foreach (var (_, tax) in lineCategories)
        {
            var category = Text(tax?.Element(Cbc + "ID"));
            Rule("BR-CO-04", Has(tax?.Element(Cbc + "ID")), "Each line has a VAT category (BT-151).");
            if (category == "S") Rule("BR-S-05", Amount(tax!.Element(Cbc + "Percent")) > 0, "A standard-rated line (category S) has a VAT rate (BT-152) greater than zero.");
            if (category is "Z" or "E") Rule($"BR-{category}-05", tax!.Element(Cbc + "Percent") is { } p && Amount(p) == 0, $"A line of category {category} has the VAT rate 0.");
            if (category == "O") Rule("BR-O-05", tax!.Element(Cbc + "Percent") is null, "A line not subject to VAT (category O) has no VAT rate (BT-152).");
        }
        var sellerVatId = seller?.Element(Cac + "PartyTaxScheme")?.Element(Cbc + "CompanyID");
        if (categories.Contains("O"))
        {
            Rule("BR-O-11", subtotals.Count == 1, "A VAT breakdown group of category O is the only one on the invoice.");
            Rule("BR-O-02", !Has(sellerVatId), "An invoice with lines not subject to VAT carries no seller VAT identifier (BT-31).");
        }
        if (categories.Any(c => c is "E" or "Z"))
            Rule("BR-E-02", Has(sellerVatId), "An invoice with exempt or zero-rated lines carries the seller VAT identifier (BT-31).");
        Rule("BR-CO-26", Has(sellerVatId) || Has(seller?.Element(Cac + "PartyLegalEntity")?.Element(Cbc + "CompanyID"))
                         || Has(seller?.Element(Cac + "PartyIdentification")?.Element(Cbc + "ID")),
            "The seller is identified by its identifier (BT-29), legal registration (BT-30) or VAT identifier (BT-31).");
        foreach (var s in subtotals)
        {
            var tax = s.Element(Cac + "TaxCategory");
            var category = Text(tax?.Element(Cbc + "ID"));
            var rate = Amount(tax?.Element(Cbc + "Percent"));
            var taxable = Amount(s.Element(Cbc + "TaxableAmount"));
            var taxAmount = Amount(s.Element(Cbc + "TaxAmount"));
            var hasReason = Has(tax?.Element(Cbc + "TaxExemptionReason")) || Has(tax?.Element(Cbc + "TaxExemptionReasonCode"));
            var sameLines = lineCategories.Where(l => Text(l.Tax?.Element(Cbc + "ID")) == category && (category == "O" || Amount(l.Tax?.Element(Cbc + "Percent")) == rate));
            Rule($"BR-{category}-08", taxable == sameLines.Sum(l => l.Net), $"Taxable amount (BT-116) of category {category} at {rate} % differs from the sum of its lines.");
            Rule($"BR-{category}-09", taxAmount == Math.Round(taxable * rate / 100m, 2, MidpointRounding.AwayFromZero),
                $"VAT amount (BT-117) of category {category} is not the taxable amount times the rate, rounded to cents.");
            if (category is "S" or "Z") Rule($"BR-{category}-10", !hasReason, $"A VAT breakdown of category {category} has no exemption reason.");
            if (category is "E" or "O") Rule($"BR-{category}-10", hasReason, $"A VAT breakdown of category {category} has an exemption reason text or code.");
        }
        foreach (var category in lineCategories.Select(l => Text(l.Tax?.Element(Cbc + "ID"))).Distinct())
            Rule("BR-CO-18", categories.Contains(category), $"The VAT breakdown has no group for the lines of category {category}.");
        return problems;
    }

    private static string? Text(XElement? e) => e?.Value.Trim();
    private static bool Has(XElement? e) => !string.IsNullOrWhiteSpace(e?.Value);
    private static decimal Amount(XElement? e) =>
        decimal.TryParse(e?.Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : 0m;

    /// <summary>ISO 13616 check: country code, two check digits, mod 97 of the rearranged number is 1.</summary>
    internal static bool IsIban(string? iban)
    {
        var s = iban?.Replace(" ", "").ToUpperInvariant();
        if (s is null || s.Length is < 15 or > 34 || !s.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(s[0]) || !char.IsAsciiLetter(s[1])) return false;
        var digits = string.Concat((s[4..] + s[..4]).Select(ch => char.IsAsciiDigit(ch) ? ch.ToString() : (ch - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        return BigInteger.Parse(digits, CultureInfo.InvariantCulture) % 97 == 1;
    }
}
