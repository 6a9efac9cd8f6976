namespace Marketplace.Conformance.Seed;

// The conformance descriptors in catalog/, bound like the catalogue's own (schemas in catalog/schemas).

/// <summary>catalog/policies/conformance.yaml: which standards the platform requires before an offering may be ordered.</summary>
public sealed record ConformancePolicyDescriptor(string Id, string Description, IReadOnlyList<PolicyRuleDescriptor> Rules)
{
    /// <summary>How the platform treats an offering that misses its promised availability in a month (optional: a notice only).</summary>
    public AvailabilityPolicyDescriptor? Availability { get; init; }
}

/// <summary>The policy's "availability" section: whether a month below the promised SLA is a conformance finding, and why.</summary>
public sealed record AvailabilityPolicyDescriptor(bool SlaBreachIsFinding, string Reason);

/// <summary>One rule: a standard required of all offerings, of those covering a Themenfeld, or of those covering a Leistung.</summary>
public sealed record PolicyRuleDescriptor(string Standard, string Scope, IReadOnlyList<string>? Ids, string Reason);

/// <summary>catalog/attestations/&lt;vendor&gt;.yaml: evidence a vendor presented for the seed offerings, and the auditor's recorded decision.</summary>
public sealed record AttestationFileDescriptor(string Vendor, string Auditor, IReadOnlyList<AttestationDescriptor> Attestations);

/// <summary>
/// Evidence for one attested criterion of one standard version. Offerings ["*"] means every offering of the vendor that
/// claims this standard version. The document is named (and its hash recorded) but not shipped.
/// </summary>
public sealed record AttestationDescriptor(
    string Standard, string Version, string Criterion, IReadOnlyList<string> Offerings, string Issuer, string IssuedOn, string ExpiresOn,
    string Document, string Sha256, SeedDecisionDescriptor Decision);

/// <summary>The auditor's decision on seed evidence: accepted or rejected, when, and why.</summary>
public sealed record SeedDecisionDescriptor(string Outcome, string DecidedOn, string Reason);
