using Dapper;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Runs;
using Marketplace.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Stripe;

/// <summary>What a webhook delivery did.</summary>
public enum WebhookOutcome
{
    /// <summary>The signature did not verify: nothing was read or changed (answer 400).</summary>
    BadSignature,
    /// <summary>The event changed an invoice's state.</summary>
    Applied,
    /// <summary>The event was processed before (Stripe delivers at least once); nothing changed.</summary>
    AlreadyProcessed,
    /// <summary>An event type we do not act on, an invoice we do not know, or a state it no longer applies to.</summary>
    Ignored,
}

/// <summary>
/// Verifies a Stripe webhook with EventUtility.ConstructEvent and applies invoice.paid and invoice.payment_failed to our
/// invoice. The event id is recorded in the same transaction as the state change, so a redelivered event does nothing.
/// </summary>
public sealed class StripeWebhookProcessor(
    Database database, InvoiceService invoices, TimeProvider clock, IOptions<BillingOptions> options, ILogger<StripeWebhookProcessor> logger)
{
    public async Task<WebhookOutcome> ProcessAsync(string json, string? signature, CancellationToken ct = default)
    {
        global::Stripe.Event evt;
        try
        {
            var stripe = options.Value.Stripe;
            if (string.IsNullOrEmpty(stripe.WebhookSecret)) throw new global::Stripe.StripeException("No webhook secret configured.");
            evt = global::Stripe.EventUtility.ConstructEvent(json, signature ?? "", stripe.WebhookSecret, stripe.WebhookToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is global::Stripe.StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", e.Message);
            return WebhookOutcome.BadSignature;
        }

        var target = evt.Type switch
        {
            "invoice.paid" => InvoiceStates.Paid,
            "invoice.payment_failed" => InvoiceStates.PaymentFailed,
            _ => null,
        };
        if (target is null || evt.Data.Object is not global::Stripe.Invoice stripeInvoice) return WebhookOutcome.Ignored;

        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var recorded = await BillingStore.InsertIgnoringDuplicatesAsync(c, tx, database.Dialect, "stripe_events",
            [new("event_id", new[] { evt.Id }), new("type", new[] { evt.Type }), new("received_at", new[] { StoredTimestamp.Format(clock.GetUtcNow()) })],
            ["event_id"], "event_id", ct);
        if (recorded.Count == 0) return WebhookOutcome.AlreadyProcessed;

        var outcome = WebhookOutcome.Ignored;
        var invoice = await c.QuerySingleOrDefaultAsync<Invoice>(new CommandDefinition(BillingSql.InvoiceByStripeId, new { stripeInvoiceId = stripeInvoice.Id }, tx, cancellationToken: ct));
        if (invoice is null)
            logger.LogWarning("Stripe event {EventId} ({Type}) names invoice {StripeInvoiceId}, which is not ours", evt.Id, evt.Type, stripeInvoice.Id);
        else
        {
            try
            {
                if (await invoices.ChangeAsync(c, tx, invoice.Id, target, target == InvoiceStates.PaymentFailed ? $"Stripe event {evt.Id}" : null,
                        StripeInvoiceSync.StripeActor, ct))
                    outcome = WebhookOutcome.Applied;
            }
            catch (ConflictException e)
            {
                // Acknowledged all the same: Stripe would redeliver forever, and a person has to look at it anyway.
                logger.LogError("Stripe event {EventId} ({Type}) cannot be applied to invoice {Number}: {Reason}", evt.Id, evt.Type, invoice.Number, e.Message);
            }
        }
        await tx.CommitAsync(ct);
        return outcome;
    }
}
