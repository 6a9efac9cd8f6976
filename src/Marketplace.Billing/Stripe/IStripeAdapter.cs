namespace Marketplace.Billing.Stripe;

/// <summary>A Stripe customer for one municipality.</summary>
public sealed record StripeCustomerRequest(string MunicipalityAgs, string Name, string Email);

/// <summary>A Stripe invoice (sent to the customer, paid within <paramref name="DaysUntilDue"/> days) mirroring one of ours.</summary>
public sealed record StripeInvoiceRequest(string CustomerId, string InvoiceId, string InvoiceNumber, int DaysUntilDue);

/// <summary>One item of a Stripe invoice: a line of ours (net) with the Stripe tax rate of its VAT category and rate.</summary>
public sealed record StripeInvoiceItemRequest(
    string CustomerId, string StripeInvoiceId, long AmountCents, string Description, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    IReadOnlyDictionary<string, string> Metadata, string TaxRateId);

/// <summary>A Stripe tax rate (exclusive) for one VAT category and rate, e.g. "USt. 19 %" or "steuerfrei (VATEX-EU-132)".</summary>
public sealed record StripeTaxRateRequest(string VatKey, string Category, long RateBasisPoints, string DisplayName, string Description);

/// <summary>A Stripe credit note on a pushed invoice, one custom line per line of our credit note, with its tax rate.</summary>
public sealed record StripeCreditNoteRequest(string StripeInvoiceId, string CreditNoteId, string CreditNoteNumber, string Memo, IReadOnlyList<StripeCreditNoteLine> Lines);

/// <summary>One line of a Stripe credit note: the net amount credited and the tax rate it was invoiced with.</summary>
public sealed record StripeCreditNoteLine(long AmountCents, string Description, string TaxRateId);

/// <summary>
/// Every Stripe call the marketplace makes, and nothing else: billing logic talks to this seam, so it is tested without the
/// network, and the one implementation on Stripe.net is tested against a recording server. Each call carries an idempotency
/// key of ours, so repeating a call (a retried push, a network retry) returns what the first one created.
/// </summary>
public interface IStripeAdapter
{
    Task<string> CreateCustomerAsync(StripeCustomerRequest request, string idempotencyKey, CancellationToken ct = default);

    Task<string> CreateInvoiceAsync(StripeInvoiceRequest request, string idempotencyKey, CancellationToken ct = default);

    Task<string> CreateInvoiceItemAsync(StripeInvoiceItemRequest request, string idempotencyKey, CancellationToken ct = default);

    Task FinalizeInvoiceAsync(string stripeInvoiceId, string idempotencyKey, CancellationToken ct = default);

    Task<string> CreateTaxRateAsync(StripeTaxRateRequest request, string idempotencyKey, CancellationToken ct = default);

    Task<string> CreateCreditNoteAsync(StripeCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default);
}
