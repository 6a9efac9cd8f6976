using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Brokers;

/// <summary>
/// What a GET /v2/catalog brought back. <see cref="Request"/> names the call without any credential ("GET https://host/v2/catalog"),
/// <see cref="Problem"/> says why nothing usable came back (not reachable, credentials refused, unknown connection).
/// </summary>
public sealed record BrokerCatalogFetch(string Request, int? Status, string? Body, string? Problem)
{
    public static BrokerCatalogFetch Failed(string request, string problem, int? status = null) => new(request, status, null, problem);
}

/// <summary>
/// Reads an offering's broker catalogue the way provisioning will call the broker: through the vendor's broker connection
/// (URL, credentials, outbound policy) that the offering's descriptor names. The conformance check asks here, so the check
/// and the orders it allows use the same connection.
/// </summary>
public interface IBrokerCatalogSource
{
    Task<BrokerCatalogFetch> FetchAsync(OfferingDescriptor offering, string apiVersion, CancellationToken ct);
}
