using Marketplace.Catalog.Brokers;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Broker.Connections;

/// <summary>
/// The conformance check's view of a broker: the endpoint provisioning would use (<see cref="BrokerRegistry"/>: the named
/// connection with its credentials, or the URL of a broker without one), called with <see cref="OsbClient"/> under the
/// outbound policy. What comes back names the request without any credential.
/// </summary>
public sealed class ConnectionCatalogSource(Database database, BrokerRegistry brokers, OsbClient osb, IOptions<ProvisioningOptions> options) : IBrokerCatalogSource
{
    public async Task<BrokerCatalogFetch> FetchAsync(OfferingDescriptor offering, string apiVersion, CancellationToken ct)
    {
        var p = offering.Provisioning;
        if (p.BrokerConnection is null && Uri.TryCreate(p.BrokerUrl, UriKind.Absolute, out var direct) && direct.UserInfo.Length > 0)
            return BrokerCatalogFetch.Failed(BrokerConnections.RequestOf(new UriBuilder(direct) { UserName = "", Password = "" }.Uri.ToString()),
                "Zugangsdaten in provisioning.brokerUrl sind nicht erlaubt; legen Sie eine Broker-Verbindung an.");
        BrokerEndpoint? endpoint;
        await using (var c = await database.OpenAsync(ct)) endpoint = await brokers.EndpointAsync(c, offering.Vendor, p);
        if (endpoint is null)
            return BrokerCatalogFetch.Failed("GET /v2/catalog", p.BrokerConnection is { } name
                ? $"Es gibt keine Broker-Verbindung '{name}' des Anbieters '{offering.Vendor}' (provisioning.brokerConnection)."
                : "Das Angebot nennt keinen Broker.");
        var request = BrokerConnections.RequestOf(endpoint.BaseUrl.ToString());
        var response = await osb.CatalogAsync(endpoint with { ApiVersion = apiVersion }, new OriginatingIdentity(options.Value.Platform, "system:conformance"), ct);
        if (response.Transport != OsbTransport.Answered)
            return BrokerCatalogFetch.Failed(request, response.AuthRefused
                ? $"Anmeldung beim Broker abgelehnt: der Token-Endpunkt hat die Client-Zugangsdaten nicht angenommen ({response.TransportError})."
                : $"nicht erreichbar: {response.TransportError}");
        return new BrokerCatalogFetch(request, response.Status, response.RawText, null);
    }
}
