using Marketplace.Catalog.Availability;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Community.Availability;

/// <summary>Where an offering's availability is measured: its own sla.statusUrl ("offering") or its broker connection's status page ("broker").</summary>
public sealed record StatusSource(string Kind, string Url)
{
    public const string Offering = "offering";
    public const string Broker = "broker";
}

/// <summary>
/// Resolves the status page the platform probes for an offering. An offering's own sla.statusUrl comes first; without one,
/// the public status page the vendor declared on the broker connection the offering is fulfilled through. The Open Service
/// Broker API 2.17 defines no health endpoint: dashboard_url/dashboard_client are a service instance's management UI and its
/// SSO client, and GET /v2/catalog needs the broker's credentials (a status page is public, so the probe carries none and
/// the broker's authenticated endpoints are never used as one). Without either, the vendor publishes no status.
/// </summary>
public sealed class StatusPages(IBrokerStatusPages brokers)
{
    /// <summary>The status source of each offering that has one.</summary>
    public async Task<IReadOnlyDictionary<string, StatusSource>> ResolveAsync(IEnumerable<OfferingDescriptor> offerings, CancellationToken ct = default)
    {
        IReadOnlyDictionary<(string VendorId, string Connection), string>? declared = null;
        var result = new Dictionary<string, StatusSource>(StringComparer.Ordinal);
        foreach (var o in offerings)
        {
            if (o.Sla.StatusUrl is { } own)
            {
                result[o.Id] = new StatusSource(StatusSource.Offering, own);
                continue;
            }
            if (o.Provisioning.BrokerConnection is not { } connection) continue;
            declared ??= await brokers.DeclaredAsync(ct);
            if (declared.TryGetValue((o.Vendor, connection), out var url)) result[o.Id] = new StatusSource(StatusSource.Broker, url);
        }
        return result;
    }

    public async Task<StatusSource?> ForAsync(OfferingDescriptor offering, CancellationToken ct = default) =>
        (await ResolveAsync([offering], ct)).GetValueOrDefault(offering.Id);
}
