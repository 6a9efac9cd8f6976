using System.Diagnostics.Metrics;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Runs;
using Marketplace.Storage;

namespace Marketplace.Billing;

/// <summary>Billing's own metrics: usage events by status, invoices and amounts written by billing runs.</summary>
internal static class BillingMetrics
{
    private static readonly Counter<long> UsageEvents = PlatformTelemetry.Meter.CreateCounter<long>(
        "marketplace.usage.events", "{event}", "Usage events received, by status (accepted, duplicate, refused ones by reason)");
    private static readonly Counter<long> Invoices = PlatformTelemetry.Meter.CreateCounter<long>(
        "marketplace.billing.invoices", "{invoice}", "Invoices written by billing runs");
    private static readonly Counter<long> NetCents = PlatformTelemetry.Meter.CreateCounter<long>(
        "marketplace.billing.net", "cent", "Net amount of the invoices written by billing runs, in euro cents");

    public static void Record(UsageBatchResult batch)
    {
        foreach (var group in batch.Events.GroupBy(e => e.Status))
            UsageEvents.Add(group.Count(), new KeyValuePair<string, object?>("status", group.Key.ToString()));
    }

    public static void Record(BillingRun run)
    {
        var period = new KeyValuePair<string, object?>("period", run.Period);
        Invoices.Add(run.InvoiceCount, period);
        NetCents.Add(run.NetCents, period);
    }
}
