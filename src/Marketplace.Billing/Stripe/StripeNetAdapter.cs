using global::Stripe;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Stripe;

/// <summary><see cref="IStripeAdapter"/> on Stripe.net, against the API base URL from configuration (Billing:Stripe:ApiBase).</summary>
public sealed class StripeNetAdapter : IStripeAdapter
{
    private readonly StripeClient _client;

    public StripeNetAdapter(HttpClient httpClient, IOptions<BillingOptions> options)
    {
        var stripe = options.Value.Stripe;
        _client = new StripeClient(new StripeClientOptions
        {
            ApiKey = string.IsNullOrEmpty(stripe.ApiKey) ? "sk_unconfigured" : stripe.ApiKey,
            ApiBase = stripe.ApiBase.TrimEnd('/'),
            // Stripe.net retries network failures with the same idempotency key, which is what makes retries safe.
            HttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 2, appInfo: null, enableTelemetry: false),
        });
    }

    public async Task<string> CreateCustomerAsync(StripeCustomerRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        var customer = await _client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Name = request.Name,
            Email = request.Email,
            PreferredLocales = ["de"],
            Metadata = new Dictionary<string, string> { ["municipality_ags"] = request.MunicipalityAgs },
        }, Options(idempotencyKey), ct);
        return customer.Id;
    }

    public async Task<string> CreateInvoiceAsync(StripeInvoiceRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        var invoice = await _client.V1.Invoices.CreateAsync(new InvoiceCreateOptions
        {
            Customer = request.CustomerId,
            Currency = "eur",
            CollectionMethod = "send_invoice",
            DaysUntilDue = request.DaysUntilDue,
            AutoAdvance = false,
            // Only the items we attach below; never pending items of the customer from elsewhere.
            PendingInvoiceItemsBehavior = "exclude",
            Description = $"Rechnung {request.InvoiceNumber}",
            Metadata = new Dictionary<string, string> { ["marketplace_invoice_id"] = request.InvoiceId, ["marketplace_invoice_number"] = request.InvoiceNumber },
        }, Options(idempotencyKey), ct);
        return invoice.Id;
    }

    public async Task<string> CreateInvoiceItemAsync(StripeInvoiceItemRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        var item = await _client.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions
        {
            Customer = request.CustomerId,
            Invoice = request.StripeInvoiceId,
            Amount = request.AmountCents,
            Currency = "eur",
            Description = request.Description,
            Period = new InvoiceItemPeriodOptions { Start = request.PeriodStart.UtcDateTime, End = request.PeriodEnd.UtcDateTime },
            Metadata = request.Metadata.ToDictionary(),
            TaxRates = [request.TaxRateId],
        }, Options(idempotencyKey), ct);
        return item.Id;
    }

    public async Task<string> CreateTaxRateAsync(StripeTaxRateRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        var rate = await _client.V1.TaxRates.CreateAsync(new TaxRateCreateOptions
        {
            DisplayName = request.DisplayName,
            Description = request.Description,
            Percentage = request.RateBasisPoints / 100m,
            Inclusive = false,
            Country = "DE",
            TaxType = "vat",
            Metadata = new Dictionary<string, string> { ["vat_key"] = request.VatKey, ["vat_category"] = request.Category },
        }, Options(idempotencyKey), ct);
        return rate.Id;
    }

    public async Task<string> CreateCreditNoteAsync(StripeCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        var note = await _client.V1.CreditNotes.CreateAsync(new CreditNoteCreateOptions
        {
            Invoice = request.StripeInvoiceId,
            Memo = request.Memo,
            Lines = request.Lines.Select(l => new CreditNoteLineOptions
            {
                Type = "custom_line_item", Description = l.Description, Quantity = 1, UnitAmount = l.AmountCents, TaxRates = [l.TaxRateId],
            }).ToList(),
            Metadata = new Dictionary<string, string> { ["marketplace_credit_note_id"] = request.CreditNoteId, ["marketplace_credit_note_number"] = request.CreditNoteNumber },
        }, Options(idempotencyKey), ct);
        return note.Id;
    }

    public async Task FinalizeInvoiceAsync(string stripeInvoiceId, string idempotencyKey, CancellationToken ct = default) =>
        await _client.V1.Invoices.FinalizeInvoiceAsync(stripeInvoiceId, new InvoiceFinalizeOptions { AutoAdvance = true }, Options(idempotencyKey), ct);

    private static RequestOptions Options(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };
}
