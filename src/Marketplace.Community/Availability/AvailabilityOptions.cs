namespace Marketplace.Community.Availability;

/// <summary>Configuration section "Availability": how offerings' status URLs are probed and how SLA breaches are judged.</summary>
public sealed class AvailabilityOptions
{
    public const string Section = "Availability";

    /// <summary>Run the prober (and the monthly SLA evaluation) in this process; worker roles only.</summary>
    public bool ProbeEnabled { get; set; } = true;

    /// <summary>One probe of every status URL per interval, across all instances.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a status URL may take to answer before the probe counts as down (timeout).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many status URLs are asked at once.</summary>
    public int MaxConcurrentProbes { get; set; } = 8;

    /// <summary>Each probe of a round starts after a random wait up to this, so vendors are not all asked on the same second.</summary>
    public TimeSpan MaxJitter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an instance looks whether the current interval's round is still unclaimed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Days raw probe results are kept; the per-day counts behind every figure are kept.</summary>
    public int RawRetentionDays { get; set; } = 14;

    /// <summary>A month with fewer probes of an offering says too little to call its SLA breached.</summary>
    public int MinimumProbesPerMonth { get; set; } = 100;

    /// <summary>
    /// Override of the published conformance policy (catalog/policies/conformance.yaml, "availability.slaBreachIsFinding"),
    /// which decides whether a month below the promised SLA is also a conformance finding. Unset (the default): the policy decides.
    /// </summary>
    public bool? BreachIsConformanceFinding { get; set; }

    /// <summary>The policy in effect: the published one, with <see cref="BreachIsConformanceFinding"/> applied where set.</summary>
    public async Task<Catalog.Availability.AvailabilityPolicy> EffectivePolicyAsync(Catalog.Availability.IAvailabilityPolicy published, CancellationToken ct = default)
    {
        var policy = await published.CurrentAsync(ct);
        return BreachIsConformanceFinding is { } overridden ? policy with { BreachIsFinding = overridden } : policy;
    }
}
