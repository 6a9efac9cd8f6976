using Marketplace.Provisioning.Broker.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    private const string KomunaBrokers = "/api/v1/vendors/komuna-digital/broker-connections";

    /// <summary>
    /// Rows for the vendor's broker connections. Reads: Komuna's users; writes and checks: Komuna's admin only (its editor
    /// fails the role policy); the other vendor's admin passes the policy and gets 404; everyone else 403.
    /// </summary>
    private static Row[] BrokerConnectionRows =>
    [
        new("GET", "/api/v1/vendors/{vendorId}/broker-connections", KomunaBrokers, null, Forbidden, Map((Komuna, Ok), ([HavelsoftAdmin], NotFound))),
        new("POST", "/api/v1/vendors/{vendorId}/broker-connections", KomunaBrokers,
            () => new { name = "matrix-" + Unique(), brokerUrl = "https://broker.example.org/osb", authKind = "basic", username = "platform", secret = "matrix-geheim" },
            Forbidden, Map(([KomunaAdmin], Created), ([HavelsoftAdmin], NotFound))),
        new("GET", "/api/v1/vendors/{vendorId}/broker-connections/{id}", KomunaBrokers + "/{connection}", null, Forbidden,
            Map((Komuna, Ok), ([HavelsoftAdmin], NotFound)), WithBrokerConnectionAsync),
        new("PUT", "/api/v1/vendors/{vendorId}/broker-connections/{id}", KomunaBrokers + "/{connection}",
            () => new { name = "matrix-" + Unique(), brokerUrl = "https://broker.example.org/osb", authKind = "basic", username = "platform" },
            Forbidden, Map(([KomunaAdmin], Ok), ([HavelsoftAdmin], NotFound)), WithBrokerConnectionAsync),
        new("DELETE", "/api/v1/vendors/{vendorId}/broker-connections/{id}", KomunaBrokers + "/{connection}", null, Forbidden,
            Map(([KomunaAdmin], NoContent), ([HavelsoftAdmin], NotFound)), WithBrokerConnectionAsync),
        // The broker of the matrix connection is not reachable from the test: the check still answers 200 with its findings.
        new("POST", "/api/v1/vendors/{vendorId}/broker-connections/{id}/check", KomunaBrokers + "/{connection}/check", null, Forbidden,
            Map(([KomunaAdmin], Ok), ([HavelsoftAdmin], NotFound)), WithBrokerConnectionAsync),
    ];

    /// <summary>A fresh Komuna connection per call; its id replaces {connection} in the URL.</summary>
    private static async Task<string> WithBrokerConnectionAsync(IdentityHost host, string url)
    {
        var created = await host.Services.GetRequiredService<BrokerConnections>().CreateAsync("komuna-digital", "test",
            new BrokerConnectionInput("matrix-" + Unique(), "http://127.0.0.1:9/osb", "basic", "platform", "matrix-geheim", null, null, null));
        return url.Replace("{connection}", created.Id);
    }
}
