using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.XRechnung;

/// <summary>
/// Writes a finalized invoice (UBL Invoice, type 380; one replacing a voided invoice names it in BT-25/BT-26) or a credit note (UBL CreditNote, type 381, referencing its invoice in
/// BT-25/BT-26) as XRechnung 3.0: EN 16931 in UBL 2.1 syntax, with the municipality's Leitweg-ID as buyer reference (BT-10)
/// and everything the German rules BR-DE-1 to BR-DE-16 require. Each line carries its VAT category and rate; the VAT
/// breakdown has one group per category and rate, its VAT rounded once per group. An invoice of category O names the seller
/// by its legal registration instead of its VAT identifier (BR-O-02). Element order follows the UBL 2.1 schema sequences.
/// </summary>
public static class XRechnungWriter
{
    public const string CustomizationId = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
    public const string ProfileId = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
    public static readonly XNamespace Ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    public static readonly XNamespace UblCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
    public static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    private sealed record Document(
        bool Credit, string Number, string IssueDate, string? DueDate, string Note, string Currency, string PeriodStart, string PeriodEnd,
        InvoiceBuyer Buyer, InvoiceSeller Seller, (string Number, string IssueDate)? Preceding, IReadOnlyList<InvoiceLine> Lines,
        IReadOnlyList<VatGroup> Groups, string PaymentTerms);

    public static XDocument Write(InvoiceDocument document)
    {
        var invoice = document.Invoice;
        if (invoice.BuyerJson is null || invoice.SellerJson is null || invoice.IssueDate is null)
            throw new InvalidOperationException($"Invoice {invoice.Number} is a draft; only finalized invoices are e-invoices.");
        // An invoice replacing a voided one names it as preceding invoice (BG-3: BT-25 number, BT-26 issue date).
        var preceding = invoice is { ReplacesInvoiceNumber: { } number, ReplacesInvoiceIssueDate: { } issued } ? (number, issued) : ((string, string)?)null;
        var note = $"Zusatzleistungen über das Grundpaket hinaus, Abrechnungszeitraum {GermanMonth(invoice.Period)}."
            + (preceding is { } p ? $" Ersetzt die stornierte Rechnung {p.Item1} vom {GermanDay(p.Item2)}." : "");
        return Write(new Document(false, invoice.Number, invoice.IssueDate, invoice.DueDate, note, invoice.Currency, invoice.PeriodStart, invoice.PeriodEnd,
            JsonSerializer.Deserialize<InvoiceBuyer>(invoice.BuyerJson)!, JsonSerializer.Deserialize<InvoiceSeller>(invoice.SellerJson)!, preceding,
            document.Lines, document.VatGroups, $"Zahlbar ohne Abzug bis {GermanDay(invoice.DueDate)}."));
    }

    public static XDocument Write(CreditNoteDocument document)
    {
        var note = document.CreditNote;
        var what = note.Kind switch
        {
            CreditNoteKinds.Void => "Storno",
            CreditNoteKinds.Replacement => "Storno wegen Neuausstellung",
            _ => "Korrektur",
        };
        return Write(new Document(true, note.Number, note.IssueDate, null,
            $"Gutschrift ({what}) zur Rechnung {note.InvoiceNumber} vom {GermanDay(note.InvoiceIssueDate)}, Abrechnungszeitraum {GermanMonth(note.Period)}: {note.Reason}",
            note.Currency, note.PeriodStart, note.PeriodEnd,
            JsonSerializer.Deserialize<InvoiceBuyer>(note.BuyerJson)!, JsonSerializer.Deserialize<InvoiceSeller>(note.SellerJson)!,
            (note.InvoiceNumber, note.InvoiceIssueDate), document.Lines, document.VatGroups,
            $"Der Betrag wird mit offenen Forderungen aus Rechnung {note.InvoiceNumber} verrechnet oder erstattet."));
    }

    private static XDocument Write(Document d)
    {
        var (buyer, seller, currency) = (d.Buyer, d.Seller, d.Currency);
        var net = d.Lines.Sum(l => l.AmountCents);
        var vat = d.Groups.Sum(g => g.VatCents);
        var notSubject = d.Lines.Any(l => l.VatCategory == VatCategories.NotSubject);
        var lineName = d.Credit ? "CreditNoteLine" : "InvoiceLine";

        XElement Amount(string name, long cents) => new(Cbc + name, new XAttribute("currencyID", currency), Money.Decimal(cents));
        XElement VatScheme() => new(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT"));
        XElement Address(string street, string city, string postalCode, string country) => new(Cac + "PostalAddress",
            new XElement(Cbc + "StreetName", street), new XElement(Cbc + "CityName", city), new XElement(Cbc + "PostalZone", postalCode),
            new XElement(Cac + "Country", new XElement(Cbc + "IdentificationCode", country)));
        // In the breakdown every group names its rate (BR-DE-14, 0 for E, Z and O) and, for E and O, the exemption reason.
        XElement GroupCategory(VatTreatment t) => new(Cac + "TaxCategory",
            new XElement(Cbc + "ID", t.Category), new XElement(Cbc + "Percent", Money.Percent(t.RateBasisPoints)),
            t.ExemptionCode is { } code ? new XElement(Cbc + "TaxExemptionReasonCode", code) : null,
            t.ExemptionReason is { } reason ? new XElement(Cbc + "TaxExemptionReason", reason) : null,
            VatScheme());
        // A line not subject to VAT has no rate (BR-O-05).
        XElement LineCategory(InvoiceLine l) => new(Cac + "ClassifiedTaxCategory",
            new XElement(Cbc + "ID", l.VatCategory),
            l.VatCategory == VatCategories.NotSubject ? null : new XElement(Cbc + "Percent", Money.Percent(l.VatRateBasisPoints)),
            VatScheme());

        var ns = d.Credit ? UblCreditNote : Ubl;
        var root = new XElement(ns + (d.Credit ? "CreditNote" : "Invoice"),
            new XAttribute(XNamespace.Xmlns + "cac", Cac), new XAttribute(XNamespace.Xmlns + "cbc", Cbc),
            new XElement(Cbc + "CustomizationID", CustomizationId),
            new XElement(Cbc + "ProfileID", ProfileId),
            new XElement(Cbc + "ID", d.Number),
            new XElement(Cbc + "IssueDate", d.IssueDate),
            d.Credit ? null : new XElement(Cbc + "DueDate", d.DueDate),
            new XElement(Cbc + (d.Credit ? "CreditNoteTypeCode" : "InvoiceTypeCode"), d.Credit ? "381" : "380"),
            new XElement(Cbc + "Note", d.Note),
            new XElement(Cbc + "DocumentCurrencyCode", currency),
            // BT-10 is the Leitweg-ID; a municipality without one (receiving by e-mail) is referenced by its AGS (BR-DE-15).
            new XElement(Cbc + "BuyerReference", buyer.LeitwegId ?? buyer.MunicipalityAgs),
            new XElement(Cac + "InvoicePeriod", new XElement(Cbc + "StartDate", d.PeriodStart), new XElement(Cbc + "EndDate", d.PeriodEnd)),
            d.Preceding is { } preceding
                ? new XElement(Cac + "BillingReference", new XElement(Cac + "InvoiceDocumentReference",
                    new XElement(Cbc + "ID", preceding.Number), new XElement(Cbc + "IssueDate", preceding.IssueDate)))
                : null,
            new XElement(Cac + "AccountingSupplierParty", new XElement(Cac + "Party",
                new XElement(Cbc + "EndpointID", new XAttribute("schemeID", "EM"), seller.ElectronicAddress),
                new XElement(Cac + "PartyName", new XElement(Cbc + "Name", seller.Name)),
                Address(seller.Street, seller.City, seller.PostalCode, seller.CountryCode),
                notSubject ? null : new XElement(Cac + "PartyTaxScheme", new XElement(Cbc + "CompanyID", seller.VatId), VatScheme()),
                new XElement(Cac + "PartyLegalEntity", new XElement(Cbc + "RegistrationName", seller.Name),
                    seller.LegalRegistrationId is { } registration ? new XElement(Cbc + "CompanyID", registration) : null),
                new XElement(Cac + "Contact", new XElement(Cbc + "Name", seller.ContactName), new XElement(Cbc + "Telephone", seller.ContactPhone),
                    new XElement(Cbc + "ElectronicMail", seller.ContactEmail)))),
            new XElement(Cac + "AccountingCustomerParty", new XElement(Cac + "Party",
                buyer.LeitwegId is { } leitweg
                    ? new XElement(Cbc + "EndpointID", new XAttribute("schemeID", "0204"), leitweg)
                    : new XElement(Cbc + "EndpointID", new XAttribute("schemeID", "EM"), buyer.Email),
                new XElement(Cac + "PartyIdentification", new XElement(Cbc + "ID", buyer.MunicipalityAgs)),
                Address(buyer.Street, buyer.City, buyer.PostalCode, buyer.CountryCode),
                new XElement(Cac + "PartyLegalEntity", new XElement(Cbc + "RegistrationName", buyer.LegalName)),
                new XElement(Cac + "Contact", new XElement(Cbc + "ElectronicMail", buyer.Email)))),
            d.Credit
                // The municipality is owed the amount: it is set off against what it owes, or refunded to the account it paid from.
                ? new XElement(Cac + "PaymentMeans", new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "Clearing between partners"), "97"))
                : new XElement(Cac + "PaymentMeans",
                    new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "SEPA credit transfer"), "58"),
                    new XElement(Cbc + "PaymentID", d.Number),
                    new XElement(Cac + "PayeeFinancialAccount", new XElement(Cbc + "ID", seller.Iban), new XElement(Cbc + "Name", seller.AccountHolder),
                        new XElement(Cac + "FinancialInstitutionBranch", new XElement(Cbc + "ID", seller.Bic)))),
            new XElement(Cac + "PaymentTerms", new XElement(Cbc + "Note", d.PaymentTerms)),
            new XElement(Cac + "TaxTotal", Amount("TaxAmount", vat),
                d.Groups.Select(g => new XElement(Cac + "TaxSubtotal", Amount("TaxableAmount", g.TaxableCents), Amount("TaxAmount", g.VatCents), GroupCategory(g.Treatment)))),
            new XElement(Cac + "LegalMonetaryTotal", Amount("LineExtensionAmount", net), Amount("TaxExclusiveAmount", net),
                Amount("TaxInclusiveAmount", net + vat), Amount("PayableAmount", net + vat)),
            d.Lines.Select((l, i) => new XElement(Cac + lineName,
                new XElement(Cbc + "ID", (d.Credit ? i + 1 : l.LineNo).ToString(CultureInfo.InvariantCulture)),
                new XElement(Cbc + (d.Credit ? "CreditedQuantity" : "InvoicedQuantity"), new XAttribute("unitCode", UnitCode(l)), l.Quantity.ToString(CultureInfo.InvariantCulture)),
                Amount("LineExtensionAmount", l.AmountCents),
                new XElement(Cac + "InvoicePeriod", new XElement(Cbc + "StartDate", l.ServiceFrom), new XElement(Cbc + "EndDate", l.ServiceTo)),
                new XElement(Cac + "Item",
                    new XElement(Cbc + "Description", Describe(l)),
                    new XElement(Cbc + "Name", $"{l.OfferingName}: {l.ExtraName}"),
                    new XElement(Cac + "SellersItemIdentification", new XElement(Cbc + "ID", $"{l.OfferingId}/{l.PlanId}/{l.ExtraId}")),
                    LineCategory(l)),
                new XElement(Cac + "Price", Amount("PriceAmount", l.UnitPriceCents),
                    new XElement(Cbc + "BaseQuantity", new XAttribute("unitCode", UnitCode(l)), l.PriceBase.ToString(CultureInfo.InvariantCulture))))));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
    }

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    // The notes are German sentences: months and days as German writes them ("November 2026", "5. Januar 2027"); the
    // structured dates (BT-2, BT-9, BT-26, BG-14) stay ISO as the syntax requires.
    private static string GermanMonth(string period) =>
        DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("MMMM yyyy", German) : period;

    private static string GermanDay(string? day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("d. MMMM yyyy", German) : day ?? "";

    /// <summary>UN/ECE Recommendation 20 unit: days for add-ons (quantity and base quantity), "one" otherwise.</summary>
    private static string UnitCode(InvoiceLine l) => l.Unit == InvoiceCalculator.UnitDay ? "DAY" : "C62";

    private static string Describe(InvoiceLine l) => l.Kind switch
    {
        ExtraKind.AddOn => $"Zusatzleistung, {l.Quantity} von {l.PriceBase} Tagen, Abonnement {l.SubscriptionId}",
        ExtraKind.Metered => $"Nutzung über die Inklusivmenge hinaus ({l.Unit}), Staffel {(l.TierNo ?? 0) + 1}, Abonnement {l.SubscriptionId}",
        _ => $"Einmalige Einrichtung, Abonnement {l.SubscriptionId}",
    };
}
