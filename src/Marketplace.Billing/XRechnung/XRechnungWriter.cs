using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;

namespace Marketplace.Billing.XRechnung;

/// <summary>
/// Writes a finalized invoice as XRechnung 3.0: EN 16931 in UBL 2.1 Invoice syntax, with the municipality's Leitweg-ID as
/// buyer reference (BT-10) and everything the German rules BR-DE-1 to BR-DE-16 require (seller contact, addresses,
/// payment instructions by SEPA credit transfer, VAT breakdown). Element order follows the UBL 2.1 schema sequences.
/// </summary>
public static class XRechnungWriter
{
    public const string CustomizationId = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
    public const string ProfileId = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
    public static readonly XNamespace Ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    public static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

    /// <summary>EN 16931 VAT category "S": standard rate.</summary>
    private const string StandardRated = "S";

    public static XDocument Write(InvoiceDocument document)
    {
        var invoice = document.Invoice;
        if (invoice.BuyerJson is null || invoice.SellerJson is null || invoice.IssueDate is null)
            throw new InvalidOperationException($"Invoice {invoice.Number} is a draft; only finalized invoices are e-invoices.");
        var buyer = JsonSerializer.Deserialize<InvoiceBuyer>(invoice.BuyerJson)!;
        var seller = JsonSerializer.Deserialize<InvoiceSeller>(invoice.SellerJson)!;
        var currency = invoice.Currency;
        var percent = Money.Percent(invoice.VatRateBasisPoints);

        XElement Amount(string name, long cents) => new(Cbc + name, new XAttribute("currencyID", currency), Money.Decimal(cents));
        XElement TaxCategory(string name) => new(Cac + name,
            new XElement(Cbc + "ID", StandardRated), new XElement(Cbc + "Percent", percent), new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT")));
        XElement Address(string street, string city, string postalCode, string country) => new(Cac + "PostalAddress",
            new XElement(Cbc + "StreetName", street), new XElement(Cbc + "CityName", city), new XElement(Cbc + "PostalZone", postalCode),
            new XElement(Cac + "Country", new XElement(Cbc + "IdentificationCode", country)));

        var root = new XElement(Ubl + "Invoice",
            new XAttribute(XNamespace.Xmlns + "cac", Cac), new XAttribute(XNamespace.Xmlns + "cbc", Cbc),
            new XElement(Cbc + "CustomizationID", CustomizationId),
            new XElement(Cbc + "ProfileID", ProfileId),
            new XElement(Cbc + "ID", invoice.Number),
            new XElement(Cbc + "IssueDate", invoice.IssueDate),
            new XElement(Cbc + "DueDate", invoice.DueDate),
            new XElement(Cbc + "InvoiceTypeCode", "380"),
            new XElement(Cbc + "Note", $"Zusatzleistungen über das Grundpaket hinaus, Abrechnungszeitraum {invoice.Period}."),
            new XElement(Cbc + "DocumentCurrencyCode", currency),
            new XElement(Cbc + "BuyerReference", buyer.LeitwegId ?? ""),
            new XElement(Cac + "InvoicePeriod", new XElement(Cbc + "StartDate", invoice.PeriodStart), new XElement(Cbc + "EndDate", invoice.PeriodEnd)),
            new XElement(Cac + "AccountingSupplierParty", new XElement(Cac + "Party",
                new XElement(Cbc + "EndpointID", new XAttribute("schemeID", "EM"), seller.ElectronicAddress),
                new XElement(Cac + "PartyName", new XElement(Cbc + "Name", seller.Name)),
                Address(seller.Street, seller.City, seller.PostalCode, seller.CountryCode),
                new XElement(Cac + "PartyTaxScheme", new XElement(Cbc + "CompanyID", seller.VatId), new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT"))),
                new XElement(Cac + "PartyLegalEntity", new XElement(Cbc + "RegistrationName", seller.Name)),
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
            new XElement(Cac + "PaymentMeans",
                new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "SEPA credit transfer"), "58"),
                new XElement(Cbc + "PaymentID", invoice.Number),
                new XElement(Cac + "PayeeFinancialAccount", new XElement(Cbc + "ID", seller.Iban), new XElement(Cbc + "Name", seller.AccountHolder),
                    new XElement(Cac + "FinancialInstitutionBranch", new XElement(Cbc + "ID", seller.Bic)))),
            new XElement(Cac + "PaymentTerms", new XElement(Cbc + "Note", $"Zahlbar ohne Abzug bis {invoice.DueDate}.")),
            new XElement(Cac + "TaxTotal", Amount("TaxAmount", invoice.VatCents),
                new XElement(Cac + "TaxSubtotal", Amount("TaxableAmount", invoice.NetCents), Amount("TaxAmount", invoice.VatCents), TaxCategory("TaxCategory"))),
            new XElement(Cac + "LegalMonetaryTotal", Amount("LineExtensionAmount", invoice.NetCents), Amount("TaxExclusiveAmount", invoice.NetCents),
                Amount("TaxInclusiveAmount", invoice.GrossCents), Amount("PayableAmount", invoice.GrossCents)),
            document.Lines.Select(l => new XElement(Cac + "InvoiceLine",
                new XElement(Cbc + "ID", l.LineNo.ToString(CultureInfo.InvariantCulture)),
                new XElement(Cbc + "InvoicedQuantity", new XAttribute("unitCode", UnitCode(l)), l.Quantity.ToString(CultureInfo.InvariantCulture)),
                Amount("LineExtensionAmount", l.AmountCents),
                new XElement(Cac + "InvoicePeriod", new XElement(Cbc + "StartDate", l.ServiceFrom), new XElement(Cbc + "EndDate", l.ServiceTo)),
                new XElement(Cac + "Item",
                    new XElement(Cbc + "Description", Describe(l)),
                    new XElement(Cbc + "Name", $"{l.OfferingName}: {l.ExtraName}"),
                    new XElement(Cac + "SellersItemIdentification", new XElement(Cbc + "ID", $"{l.OfferingId}/{l.PlanId}/{l.ExtraId}")),
                    TaxCategory("ClassifiedTaxCategory")),
                new XElement(Cac + "Price", Amount("PriceAmount", l.UnitPriceCents),
                    new XElement(Cbc + "BaseQuantity", new XAttribute("unitCode", UnitCode(l)), l.PriceBase.ToString(CultureInfo.InvariantCulture))))));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
    }

    /// <summary>UN/ECE Recommendation 20 unit: days for add-ons (quantity and base quantity), "one" otherwise.</summary>
    private static string UnitCode(InvoiceLine l) => l.Unit == InvoiceCalculator.UnitDay ? "DAY" : "C62";

    private static string Describe(InvoiceLine l) => l.Kind switch
    {
        ExtraKind.AddOn => $"Zusatzleistung, {l.Quantity} von {l.PriceBase} Tagen, Abonnement {l.SubscriptionId}",
        ExtraKind.Metered => $"Nutzung über die Inklusivmenge hinaus ({l.Unit}), Staffel {(l.TierNo ?? 0) + 1}, Abonnement {l.SubscriptionId}",
        _ => $"Einmalige Einrichtung, Abonnement {l.SubscriptionId}",
    };
}
