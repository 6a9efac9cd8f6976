using System.Text;
using Marketplace.Billing.Stripe;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Billing.Api;

/// <summary>
/// The billing endpoints. For now the Stripe webhook, which is anonymous by nature: Stripe authenticates by signing the body.
/// The municipality, vendor and admin endpoints follow with the identity module.
/// </summary>
public static class BillingApi
{
    public const string StripeWebhookPath = "/api/v1/billing/stripe/webhook";

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(StripeWebhookPath, async (HttpRequest request, StripeWebhookProcessor processor, CancellationToken ct) =>
            {
                // The signature covers the exact bytes Stripe sent, so the body is read raw, never model-bound.
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var json = await reader.ReadToEndAsync(ct);
                var outcome = await processor.ProcessAsync(json, request.Headers["Stripe-Signature"].ToString(), ct);
                return outcome == WebhookOutcome.BadSignature
                    ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe signature",
                        detail: "The Stripe-Signature header does not verify against the request body.")
                    : Results.Ok(new { received = true, outcome = outcome.ToString() });
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook")
            .WithTags("Billing")
            .WithSummary("Stripe webhook: invoice.paid and invoice.payment_failed update the invoice (signature-verified).")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }
}
