namespace Marketplace.Billing.Invoices;

/// <summary>An invoice as stored. Amounts in cents; BuyerJson/SellerJson are frozen when it is finalized.</summary>
public sealed record Invoice(
    string Id, string Number, string MunicipalityAgs, string Period, string BillingRunId, string State, string Currency,
    long NetCents, long VatRateBasisPoints, long VatCents, long GrossCents, string PeriodStart, string PeriodEnd, string? PaymentChannel,
    string? IssueDate, string? DueDate, string? BuyerJson, string? SellerJson, string? StripeInvoiceId, string? StripePushedAt,
    string? PaymentFailure, string CreatedAt, string UpdatedAt);

/// <summary>One line: which subscription and offering, which extra (add-on, metered dimension or setup fee), how much of it, at what price, for which days.</summary>
public sealed record InvoiceLine(
    string InvoiceId, long LineNo, string Kind, string SubscriptionId, string OfferingId, string OfferingName, string PlanId, string ExtraId,
    string ExtraName, long? TierNo, string Unit, long Quantity, long UnitPriceCents, long PriceBase, long AmountCents, string ServiceFrom, string ServiceTo);

/// <summary>An invoice with its lines.</summary>
public sealed record InvoiceDocument(Invoice Invoice, IReadOnlyList<InvoiceLine> Lines);

/// <summary>The buyer as frozen on a finalized invoice.</summary>
public sealed record InvoiceBuyer(
    string MunicipalityAgs, string LegalName, string? LeitwegId, string Street, string PostalCode, string City, string CountryCode, string Email);

/// <summary>The seller as frozen on a finalized invoice.</summary>
public sealed record InvoiceSeller(
    string Name, string Street, string PostalCode, string City, string CountryCode, string VatId, string ContactName, string ContactPhone,
    string ContactEmail, string ElectronicAddress, string Iban, string Bic, string AccountHolder)
{
    public static InvoiceSeller From(SellerOptions o) => new(o.Name, o.Street, o.PostalCode, o.City, o.CountryCode, o.VatId, o.ContactName,
        o.ContactPhone, o.ContactEmail, o.ElectronicAddress, o.Iban, o.Bic, o.AccountHolder);
}
