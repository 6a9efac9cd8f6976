using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Stripe;

namespace Marketplace.Billing.Runs;

/// <summary>Finalizes a month's drafts and hands the Stripe ones to Stripe: the API and the runs page alike.</summary>
public sealed class PeriodFinalization(InvoiceService invoices, StripeInvoiceSync stripe)
{
    public async Task<FinalizeResult> FinalizeAsync(BillingMonth month, Actor actor, CancellationToken ct)
    {
        var result = await invoices.FinalizePeriodAsync(month, actor, ct);
        await stripe.PushIssuedAsync(result.Finalized, ct);
        return result;
    }
}
