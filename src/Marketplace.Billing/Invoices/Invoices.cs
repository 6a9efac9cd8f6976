using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Invoices;

/// <summary>
/// An invoice as stored. Amounts in cents; BuyerJson/SellerJson are frozen when it is finalized. An invoice that replaces a
/// voided one (an upward correction) names it (BT-25/BT-26); the voided one names its replacement.
/// </summary>
public sealed record Invoice(
    string Id, string Number, string MunicipalityAgs, string Period, string BillingRunId, string State, string Currency,
    long NetCents, long VatRateBasisPoints, long VatCents, long GrossCents, string PeriodStart, string PeriodEnd, string? PaymentChannel,
    string? IssueDate, string? DueDate, string? BuyerJson, string? SellerJson, string? StripeInvoiceId, DateTimeOffset? StripePushedAt,
    string? PaymentFailure, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ReplacesInvoiceId = null, string? ReplacesInvoiceNumber = null,
    string? ReplacesInvoiceIssueDate = null, string? ReplacedByInvoiceId = null, string? ReplacedByInvoiceNumber = null);

/// <summary>
/// One line: which subscription and offering, which extra (add-on, metered dimension or setup fee), how much of it, at what
/// price, for which days, with which VAT. A credit note's lines have the same shape (InvoiceId is then the credit note's id).
/// </summary>
public sealed record InvoiceLine(
    string InvoiceId, long LineNo, string Kind, string SubscriptionId, string OfferingId, string OfferingName, string PlanId, string ExtraId,
    string ExtraName, long? TierNo, string Unit, long Quantity, long UnitPriceCents, long PriceBase, long AmountCents, string ServiceFrom, string ServiceTo,
    string VatCategory, long VatRateBasisPoints, string? VatExemptionReason, string? VatExemptionCode)
{
    public VatTreatment Vat => new(VatCategory, VatRateBasisPoints, VatExemptionReason, VatExemptionCode);
}

/// <summary>An invoice with its lines.</summary>
public sealed record InvoiceDocument(Invoice Invoice, IReadOnlyList<InvoiceLine> Lines)
{
    /// <summary>The VAT breakdown (BG-23): one group per category and rate.</summary>
    public IReadOnlyList<Pricing.VatGroup> VatGroups => Pricing.VatBreakdown.Of(Lines, l => l.Vat, l => l.AmountCents);
}

/// <summary>The buyer as frozen on a finalized invoice.</summary>
public sealed record InvoiceBuyer(
    string MunicipalityAgs, string LegalName, string? LeitwegId, string Street, string PostalCode, string City, string CountryCode, string Email);

/// <summary>The seller as frozen on a finalized invoice.</summary>
public sealed record InvoiceSeller(
    string Name, string Street, string PostalCode, string City, string CountryCode, string VatId, string ContactName, string ContactPhone,
    string ContactEmail, string ElectronicAddress, string Iban, string Bic, string AccountHolder, string? LegalRegistrationId = null)
{
    public static InvoiceSeller From(SellerOptions o) => new(o.Name, o.Street, o.PostalCode, o.City, o.CountryCode, o.VatId, o.ContactName,
        o.ContactPhone, o.ContactEmail, o.ElectronicAddress, o.Iban, o.Bic, o.AccountHolder, BillingOptions.Blank(o.LegalRegistrationId));
}

/// <summary>
/// Why a credit note was issued: the invoice was voided (the whole remaining amount), corrected downwards (the difference),
/// or replaced by a corrected invoice (the whole remaining amount; the new invoice bills the corrected quantities).
/// </summary>
public static class CreditNoteKinds
{
    public const string Void = "void";
    public const string Correction = "correction";
    public const string Replacement = "replacement";
}

/// <summary>An upward correction: the credit note cancelling the original invoice and the new invoice replacing it.</summary>
public sealed record InvoiceReplacement(CreditNoteDocument CreditNote, InvoiceDocument Invoice);

/// <summary>
/// A credit note as stored: it cancels all or part of an issued invoice (BT-25 number, BT-26 issue date of that invoice) and
/// carries the parties frozen on it. Amounts are positive: what is credited.
/// </summary>
public sealed record CreditNote(
    string Id, string Number, string InvoiceId, string InvoiceNumber, string InvoiceIssueDate, string MunicipalityAgs, string Period,
    string PeriodStart, string PeriodEnd, string Kind, string Reason, string Currency, long NetCents, long VatCents, long GrossCents,
    string IssueDate, string? PaymentChannel, string BuyerJson, string SellerJson, string? StripeCreditNoteId, DateTimeOffset CreatedAt);

/// <summary>A credit note with its lines (each names the invoice line it credits in <see cref="InvoiceLine.LineNo"/> order).</summary>
public sealed record CreditNoteDocument(CreditNote CreditNote, IReadOnlyList<InvoiceLine> Lines)
{
    public IReadOnlyList<Pricing.VatGroup> VatGroups => Pricing.VatBreakdown.Of(Lines, l => l.Vat, l => l.AmountCents);
}

/// <summary>
/// The catalogue's names of what invoice lines bill, German and English (null where the catalogue has none): the offering,
/// its plan and the extra. A line keeps the German names it was written with; these are for showing it in either language.
/// </summary>
public sealed class InvoiceLineNames(IReadOnlyDictionary<(string Offering, string Plan, string Extra), (string Name, string? NameEn)> names)
{
    public (string Name, string? NameEn) Offering(InvoiceLine l) => names.GetValueOrDefault((l.OfferingId, "", ""), (l.OfferingName, null));
    public (string Name, string? NameEn) Plan(InvoiceLine l) => names.GetValueOrDefault((l.OfferingId, l.PlanId, ""), (l.PlanId, null));
    public (string Name, string? NameEn) Extra(InvoiceLine l) => names.GetValueOrDefault((l.OfferingId, l.PlanId, l.ExtraId), (l.ExtraName, null));
}
