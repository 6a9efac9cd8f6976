using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Stripe;

/// <summary>
/// Hands finalized invoices of municipalities paying through Stripe to Stripe: one customer per municipality, one Stripe
/// invoice per invoice of ours, one item per line carrying the Stripe tax rate of its VAT category and rate (one tax rate per
/// category and rate, made once and kept in stripe_tax_rates), then finalizes it; credit notes of ours become Stripe credit
/// notes on the pushed invoice. Every call carries a key derived from our own ids (mp-customer-AGS, mp-invoice-ID, -line-N,
/// -finalize, mp-credit-note-ID, mp-tax-rate-KEY), and each Stripe id is stored as soon as it is known: a push that failed
/// halfway is simply pushed again and creates nothing twice.
/// </summary>
public sealed class StripeInvoiceSync(
    Database database, IStripeAdapter stripe, AuditTrail audit, BillingCalendar calendar, TimeProvider clock,
    IOptions<BillingOptions> options, ILogger<StripeInvoiceSync> logger, BillingAccountService accounts)
{
    public static string CustomerKey(string ags) => $"mp-customer-{ags}";
    public static string InvoiceKey(string invoiceId) => $"mp-invoice-{invoiceId}";
    public static string LineKey(string invoiceId, long lineNo) => $"mp-invoice-{invoiceId}-line-{lineNo}";
    public static string TaxRateKey(VatTreatment vat) => $"mp-tax-rate-{vat.Key}";
    public static string CreditNoteKey(string creditNoteId) => $"mp-credit-note-{creditNoteId}";
    public static string FinalizeKey(string invoiceId) => $"mp-invoice-{invoiceId}-finalize";

    /// <summary>Pushes one finalized Stripe invoice; returns false when it had been pushed already.</summary>
    public async Task<bool> PushAsync(string invoiceId, CancellationToken ct = default)
    {
        InvoiceDocument document;
        BillingAccount account;
        await using (var c = await database.OpenAsync(ct))
        {
            document = await InvoiceService.ReadAsync(c, null, invoiceId, ct) ?? throw new NotFoundException("invoice", invoiceId);
            var invoice = document.Invoice;
            if (invoice.PaymentChannel != PaymentChannels.Stripe || invoice.State is InvoiceStates.Draft or InvoiceStates.Void)
                throw new ConflictException($"Rechnung {invoice.Number} ist keine gestellte Stripe-Rechnung.") { Code = "invoice.not-stripe", Args = [invoice.Number] };
            if (invoice.StripePushedAt is not null) return false;
            account = (await accounts.ReadAsync(c, null, invoice.MunicipalityAgs, ct)).Account
                ?? throw new InvalidOperationException($"No billing account of municipality {invoice.MunicipalityAgs}.");
        }
        var inv = document.Invoice;

        var customerId = account.StripeCustomerId;
        if (customerId is null)
        {
            customerId = await stripe.CreateCustomerAsync(new StripeCustomerRequest(account.MunicipalityAgs, account.LegalName, account.Email),
                CustomerKey(account.MunicipalityAgs), ct);
            await RecordAsync(BillingSql.SetStripeCustomer, new { ags = account.MunicipalityAgs, customerId },
                "billing.account.stripe_customer", "billing_account", account.MunicipalityAgs, new { stripeCustomerId = customerId }, ct);
        }

        var stripeInvoiceId = inv.StripeInvoiceId;
        if (stripeInvoiceId is null)
        {
            stripeInvoiceId = await stripe.CreateInvoiceAsync(new StripeInvoiceRequest(customerId, inv.Id, inv.Number, options.Value.PaymentTermDays), InvoiceKey(inv.Id), ct);
            await RecordAsync(BillingSql.SetStripeInvoice, new { id = inv.Id, stripeInvoiceId, now = Now() },
                "billing.invoice.stripe_invoice", "invoice", inv.Id, new { stripeInvoiceId }, ct);
        }

        foreach (var line in document.Lines)
            await stripe.CreateInvoiceItemAsync(new StripeInvoiceItemRequest(customerId, stripeInvoiceId, line.AmountCents,
                $"{line.OfferingName}: {line.ExtraName} ({line.Quantity} {line.Unit})", Start(line.ServiceFrom), End(line.ServiceTo),
                new Dictionary<string, string> { ["subscription_id"] = line.SubscriptionId, ["line_no"] = line.LineNo.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                await TaxRateAsync(line.Vat, ct)),
                LineKey(inv.Id, line.LineNo), ct);
        await stripe.FinalizeInvoiceAsync(stripeInvoiceId, FinalizeKey(inv.Id), ct);
        await RecordAsync(BillingSql.SetStripePushed, new { id = inv.Id, now = Now() },
            "billing.invoice.stripe_push", "invoice", inv.Id, new { stripeInvoiceId, grossCents = inv.GrossCents }, ct);
        logger.LogInformation("Invoice {Number} handed to Stripe as {StripeInvoiceId}", inv.Number, stripeInvoiceId);
        return true;
    }

    /// <summary>
    /// Stripe invoices go to Stripe right after they are issued. The push of pending invoices logs a failure (Stripe down,
    /// no key) instead of throwing, so the issued invoice stands and the scheduler's next check retries with the same keys.
    /// </summary>
    public async Task PushIssuedAsync(IEnumerable<Invoice> issued, CancellationToken ct = default)
    {
        if (issued.Any(i => i.PaymentChannel == PaymentChannels.Stripe)) await PushPendingAsync(ct);
    }

    /// <summary>Pushes every finalized Stripe invoice not yet pushed; a failure is logged and retried on the next call.</summary>
    public async Task<int> PushPendingAsync(CancellationToken ct = default)
    {
        List<string> ids;
        await using (var c = await database.OpenAsync(ct))
            ids = (await c.QueryAsync<string>(new CommandDefinition(BillingSql.StripeInvoicesToPush, cancellationToken: ct))).ToList();
        var pushed = 0;
        foreach (var id in ids)
        {
            try { if (await PushAsync(id, ct)) pushed++; }
            catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException)
            {
                logger.LogWarning(e, "Invoice {InvoiceId} could not be handed to Stripe; the next push retries with the same keys", id);
            }
        }
        return pushed;
    }

    /// <summary>
    /// Hands the invoice's credit notes that Stripe does not have yet to Stripe, as credit notes on the Stripe invoice. An
    /// invoice never pushed (voided before) has nothing in Stripe to credit. Returns how many were created.
    /// </summary>
    public async Task<int> PushPendingCreditNotesAsync(string invoiceId, CancellationToken ct = default)
    {
        string? stripeInvoiceId;
        List<CreditNote> pending;
        await using (var c = await database.OpenAsync(ct))
        {
            stripeInvoiceId = (await c.QuerySingleOrDefaultAsync<Invoice>(new CommandDefinition(BillingSql.InvoiceById, new { id = invoiceId }, cancellationToken: ct)))?.StripeInvoiceId;
            pending = (await c.QueryAsync<CreditNote>(new CommandDefinition(BillingSql.CreditNotesOfInvoice, new { invoiceId }, cancellationToken: ct)))
                .Where(n => n.StripeCreditNoteId is null).ToList();
        }
        if (stripeInvoiceId is null) return 0;
        var created = 0;
        foreach (var note in pending)
        {
            List<InvoiceLine> lines;
            await using (var c = await database.OpenAsync(ct))
                lines = (await c.QueryAsync<InvoiceLine>(new CommandDefinition(BillingSql.CreditNoteLines, new { id = note.Id }, cancellationToken: ct))).ToList();
            var stripeLines = new List<StripeCreditNoteLine>();
            foreach (var l in lines)
                stripeLines.Add(new StripeCreditNoteLine(l.AmountCents, $"{l.OfferingName}: {l.ExtraName} ({l.Quantity} {l.Unit})", await TaxRateAsync(l.Vat, ct)));
            var stripeCreditNoteId = await stripe.CreateCreditNoteAsync(new StripeCreditNoteRequest(stripeInvoiceId, note.Id, note.Number, note.Reason, stripeLines),
                CreditNoteKey(note.Id), ct);
            await RecordAsync(BillingSql.SetStripeCreditNote, new { id = note.Id, stripeCreditNoteId },
                "billing.credit_note.stripe_push", "credit_note", note.Id, new { stripeCreditNoteId, note.GrossCents }, ct);
            created++;
        }
        return created;
    }

    /// <summary>The Stripe tax rate of a VAT category and rate: from memory, from stripe_tax_rates, or made once and kept there.</summary>
    private async Task<string> TaxRateAsync(VatTreatment vat, CancellationToken ct)
    {
        if (_taxRates.TryGetValue(vat.Key, out var known)) return known;
        string? id;
        await using (var c = await database.OpenAsync(ct))
            id = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(BillingSql.StripeTaxRate, new { key = vat.Key }, cancellationToken: ct));
        if (id is null)
        {
            var percent = Money.Percent(vat.RateBasisPoints);
            var (name, description) = vat.Category switch
            {
                VatCategories.Standard => ("USt.", $"Umsatzsteuer {percent} %"),
                VatCategories.ZeroRated => ("USt. 0 %", "Umsatzsteuer 0 % (Nullsatz)"),
                VatCategories.Exempt => ("USt.-frei", $"Steuerbefreit: {vat.ExemptionReason ?? vat.ExemptionCode}"),
                _ => ("Nicht steuerbar", $"Nicht steuerbar: {vat.ExemptionReason ?? vat.ExemptionCode}"),
            };
            id = await stripe.CreateTaxRateAsync(new StripeTaxRateRequest(vat.Key, vat.Category, vat.RateBasisPoints, name, description), TaxRateKey(vat), ct);
            await using var c = await database.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            var inserted = await BillingStore.InsertIgnoringDuplicatesAsync(c, tx, database.Dialect, "stripe_tax_rates",
                [new("vat_key", new[] { vat.Key }), new("stripe_tax_rate_id", new[] { id })], ["vat_key"], "vat_key", ct);
            if (inserted.Count == 0)
                id = await c.QuerySingleAsync<string>(new CommandDefinition(BillingSql.StripeTaxRate, new { key = vat.Key }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        return _taxRates[vat.Key] = id;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _taxRates = new();

    private async Task RecordAsync(string sql, object args, string action, string objectType, string objectId, object after, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
        await audit.AppendAsync(c, tx, new AuditEntry(StripeActor.UserId, null, action, objectType, objectId, null, JsonSerializer.SerializeToNode(after)));
        await tx.CommitAsync(ct);
    }

    internal static readonly Actor StripeActor = Actor.Named("stripe");
    private DateTimeOffset Now() => clock.GetUtcNow();
    private DateTimeOffset Start(string day) => calendar.StartOf(BillingStore.ParseDate(day));
    private DateTimeOffset End(string day) => calendar.StartOf(BillingStore.ParseDate(day).AddDays(1));
}
