using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Availability;

/// <summary>A published version's service-level promise and when it was published.</summary>
public sealed record PublishedSla(int Version, DateTimeOffset PublishedAt, SlaDescriptor Sla);

/// <summary>The SLA an offering promised over time, read from its published versions; the conformance module keeps them.</summary>
public interface ISlaHistory
{
    /// <summary>Every published version's promise, oldest first.</summary>
    Task<IReadOnlyList<PublishedSla>> PublishedAsync(string offeringId, CancellationToken ct = default);

    /// <summary>
    /// The promise a period [from, to) is judged against: of the versions in force at some moment of it, the one promising
    /// least (a vendor that raised its promise mid-month is held to the old one for that month, one that lowered it to the
    /// new one, so a breach is a breach of every promise made for the period). A period before the first recorded
    /// publication (a history measured before the catalogue import recorded it) is judged against the first version;
    /// null without any published version.
    /// </summary>
    static PublishedSla? InForce(IReadOnlyList<PublishedSla> history, DateTimeOffset from, DateTimeOffset to)
    {
        if (history.Count == 0) return null;
        var inForce = history.Where((v, i) => v.PublishedAt < to && (i == history.Count - 1 || history[i + 1].PublishedAt > from)).ToList();
        if (inForce.Count == 0) return history[0];
        return inForce.OrderBy(v => v.Sla.AvailabilityPercent).ThenByDescending(v => v.Version).First();
    }
}

/// <summary>What the published conformance policy (catalog/policies/conformance.yaml, "availability") says about missed SLAs.</summary>
public sealed record AvailabilityPolicy(bool BreachIsFinding, string? Reason)
{
    public static readonly AvailabilityPolicy None = new(false, null);
}

/// <summary>The published conformance policy's word on availability; the conformance module imports it with the catalogue.</summary>
public interface IAvailabilityPolicy
{
    Task<AvailabilityPolicy> CurrentAsync(CancellationToken ct = default);
}

/// <summary>
/// The public status page a vendor declared on a broker connection (provisioning keeps the connections): the fallback
/// for an offering fulfilled through that connection that declares no sla.statusUrl of its own.
/// </summary>
public interface IBrokerStatusPages
{
    /// <summary>Status URL per vendor and connection name, for every connection that declares one.</summary>
    Task<IReadOnlyDictionary<(string VendorId, string Connection), string>> DeclaredAsync(CancellationToken ct = default);
}
