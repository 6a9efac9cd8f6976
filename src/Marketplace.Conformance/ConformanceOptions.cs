namespace Marketplace.Conformance;

/// <summary>Configuration section "Conformance".</summary>
public sealed class ConformanceOptions
{
    public const string Section = "Conformance";

    /// <summary>How long a live check (broker, accessibility statement) may take before it counts as unreachable.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent as X-Broker-API-Originating-Identity's platform, as provisioning does (Provisioning:Platform).</summary>
    public string Platform { get; set; } = "ozg-marketplace";

    /// <summary>The Open Service Broker API version sent as X-Broker-API-Version when an offering claims none.</summary>
    public string BrokerApiVersion { get; set; } = "2.17";

    /// <summary>How much of a broker's answer is kept as raw evidence.</summary>
    public int MaxRawEvidenceBytes { get; set; } = 256 * 1024;

    /// <summary>How many schema differences one plan reports at most.</summary>
    public int MaxReportedDifferences { get; set; } = 20;

    /// <summary>Largest evidence file accepted.</summary>
    public int MaxEvidenceBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How often the daily job looks whether today's run is due (it runs once per day across all instances).</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Run the daily conformance job in this process.</summary>
    public bool RunDailyJob { get; set; } = true;
}
