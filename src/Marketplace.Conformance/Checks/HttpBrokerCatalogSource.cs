using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Brokers;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance.Checks;

/// <summary>
/// The catalogue of a broker without authentication, read by URL with the conformance module's outbound client. Hosts
/// with the provisioning module use its connection-aware source instead; a named broker connection is not resolved here.
/// </summary>
public sealed class HttpBrokerCatalogSource(HttpClient http, ConformanceOptions options) : IBrokerCatalogSource
{
    public async Task<BrokerCatalogFetch> FetchAsync(OfferingDescriptor offering, string apiVersion, CancellationToken ct)
    {
        var p = offering.Provisioning;
        if (p.BrokerConnection is { } name)
            return BrokerCatalogFetch.Failed("GET /v2/catalog", $"Die Broker-Verbindung '{name}' kann in diesem Dienst nicht aufgelöst werden.");
        if (!Uri.TryCreate(p.BrokerUrl, UriKind.Absolute, out var baseUrl))
            return BrokerCatalogFetch.Failed("GET /v2/catalog", "provisioning.brokerUrl ist keine absolute URL.");
        // Credentials never travel in a URL, and never into a stored detail: the request is named without them.
        var url = new UriBuilder(baseUrl) { UserName = "", Password = "" }.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/v2/catalog";
        var request = "GET " + url;
        if (baseUrl.UserInfo.Length > 0)
            return BrokerCatalogFetch.Failed(request, "Zugangsdaten in provisioning.brokerUrl sind nicht erlaubt; legen Sie eine Broker-Verbindung an.");
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, url);
            message.Headers.Add("X-Broker-API-Version", apiVersion);
            message.Headers.Add("X-Broker-API-Request-Identity", Guid.NewGuid().ToString());
            message.Headers.Add("X-Broker-API-Originating-Identity", options.Platform + " " +
                Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["user_id"] = "system:conformance" }.ToJsonString())));
            using var response = await http.SendAsync(message, ct);
            return new BrokerCatalogFetch(request, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), null);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            return BrokerCatalogFetch.Failed(request, $"nicht erreichbar: {e.Message}");
        }
    }
}
