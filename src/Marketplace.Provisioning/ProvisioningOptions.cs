using System.ComponentModel.DataAnnotations;
namespace Marketplace.Provisioning;

/// <summary>Configuration section "Provisioning".</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>Sent as "platform" in the broker context and in X-Broker-API-Originating-Identity.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Platform { get; set; } = "ozg-marketplace";

    /// <summary>Broker calls in flight per vendor when the vendor has not configured its own limit.</summary>
    [Range(1, 1000)]
    public int DefaultBrokerConcurrency { get; set; } = 16;

    /// <summary>Jobs this process runs at once, over all brokers.</summary>
    [Range(1, 1024)]
    public int WorkerParallelism { get; set; } = 64;

    /// <summary>How long a claimed job belongs to its process; renewed while it runs, free for others when the process dies.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for due jobs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Failed attempts (5xx, timeouts, malformed answers) before a job goes to the dead letter.</summary>
    [Range(1, 100)]
    public int MaxFailures { get; set; } = 6;

    /// <summary>First retry delay; doubled per failure, with full jitter, capped at <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Cap of the backoff of deletions at a broker (cancellations, orphan mitigation). These never go to the dead letter:
    /// an instance nobody pays for must not stay behind, so they are retried until the broker confirms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan CleanupMaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Polling interval for last_operation when the broker sends no Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Platform maximum polling duration; a plan's maximum_polling_duration shortens it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan MaxPollingDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>One broker request, after which the request counts as timed out (orphan mitigation for provisioning).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BrokerRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Per-vendor limits from configuration ("Provisioning:BrokerConcurrency:vendor-id": 8); the vendor_brokers table wins.</summary>
    public Dictionary<string, int> BrokerConcurrency { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The job-queue health check reports degraded once a due job has waited longer than this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan QueueAgeWarning { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At shutdown, how long running jobs may finish before they are cancelled and released (below the host's shutdown timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Accept http: dashboard links from brokers and vendors (development and tests on loopback); otherwise https: only.</summary>
    public bool AllowHttpDashboardUrls { get; set; }

    /// <summary>Whether this process runs the daily reconciliation with the brokers (where they declare instances_retrievable).</summary>
    public bool ReconciliationEnabled { get; set; } = true;

    /// <summary>How often the reconciliation service looks whether today's run is due (on the injected clock).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ReconciliationPollInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Instances fetched at once from one broker during the reconciliation.</summary>
    public int ReconciliationConcurrencyPerBroker { get; set; } = 2;
}
