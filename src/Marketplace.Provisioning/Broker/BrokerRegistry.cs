using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Configuration;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Broker;

/// <summary>A vendor's broker settings as a client may see them: never the secret, only whether one is set.</summary>
public sealed record BrokerSettings(string VendorId, string AuthKind, string? Username, bool SecretSet, string? TokenUrl, string? Scope, int MaxConcurrency);

/// <summary>
/// Per-vendor broker access: basic auth or OAuth client credentials, the secret encrypted at rest with Data
/// Protection, and the vendor's concurrency limit that the job claimer enforces.
/// </summary>
public sealed class BrokerRegistry(Database database, AuditTrail audit, ConfigSecrets secrets, TimeProvider clock, Connections.BrokerConnections connections)
{
    private sealed class Row
    {
        public string VendorId { get; init; } = "";
        public string AuthKind { get; init; } = "";
        public string? Username { get; init; }
        public string? SecretProtected { get; init; }
        public string? TokenUrl { get; init; }
        public string? Scope { get; init; }
        public long MaxConcurrency { get; init; }
    }

    public async Task ConfigureAsync(string vendorId, BrokerAuth auth, int maxConcurrency, string actorUserId, CancellationToken ct = default)
    {
        if (auth.Kind is not (BrokerAuth.None or BrokerAuth.Basic or BrokerAuth.OAuthClientCredentials))
            throw RequestValidationException.Coded("authKind", "broker.auth-kind-or-none", "„none“, „basic“ oder „oauth“");
        if (maxConcurrency < 1) throw RequestValidationException.Coded("maxConcurrency", "minimum", "mindestens 1", 1);
        if (auth.Kind == BrokerAuth.OAuthClientCredentials && string.IsNullOrEmpty(auth.TokenUrl))
            throw RequestValidationException.Coded("tokenUrl", "broker.token-url-missing", "OAuth Client Credentials brauchen eine Token-Adresse");
        // Encrypt before the transaction: the first encryption may write a new key to the database's key ring.
        var secretProtected = auth.Secret is null ? null : secrets.ProtectText(auth.Secret);
        await using var work = await Work.BeginAsync(database, audit, ct);
        await work.Connection.ExecuteAsync(
            database.Dialect.Upsert("vendor_brokers", ["vendor_id"], ["auth_kind", "username", "secret_protected", "token_url", "scope", "max_concurrency", "updated_at"]),
            new
            {
                vendor_id = vendorId, auth_kind = auth.Kind, username = auth.Username,
                secret_protected = secretProtected,
                token_url = auth.TokenUrl, scope = auth.Scope, max_concurrency = maxConcurrency, updated_at = clock.GetUtcNow(),
            }, work.Transaction);
        work.Audit(new AuditEntry(actorUserId, vendorId, "broker.configured", "vendor-broker", vendorId, null, new JsonObject
        {
            ["authKind"] = auth.Kind, ["username"] = auth.Username, ["secretSet"] = auth.Secret is not null, ["maxConcurrency"] = maxConcurrency,
        }));
        await work.CommitAsync(ct);
        foreach (var key in _endpoints.Keys.Where(k => k.StartsWith(vendorId + "|", StringComparison.Ordinal))) _endpoints.TryRemove(key, out _);
    }

    public async Task<BrokerSettings?> SettingsAsync(string vendorId, CancellationToken ct = default)
    {
        var row = await RowAsync(vendorId, ct);
        return row is null ? null : new BrokerSettings(row.VendorId, row.AuthKind, row.Username, row.SecretProtected is not null, row.TokenUrl, row.Scope, (int)row.MaxConcurrency);
    }

    /// <summary>The endpoint for a call, secret revealed; an unconfigured vendor's broker is called without credentials.</summary>
    public async Task<BrokerEndpoint> EndpointAsync(string vendorId, string brokerUrl, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await EndpointAsync(c, vendorId, brokerUrl);
    }

    internal async Task<BrokerEndpoint> EndpointAsync(System.Data.Common.DbConnection c, string vendorId, string brokerUrl)
    {
        // Every job run needs the endpoint: kept for a few seconds, so a changed credential applies within them.
        var key = vendorId + "|" + brokerUrl;
        if (_endpoints.TryGetValue(key, out var cached) && Environment.TickCount64 - cached.At < 5_000) return cached.Endpoint;
        var endpoint = await LoadEndpointAsync(c, vendorId, brokerUrl);
        _endpoints[key] = (endpoint, Environment.TickCount64);
        return endpoint;
    }

    /// <summary>
    /// The endpoint of an offering's broker: the vendor's broker connection the descriptor names (URL and credentials from
    /// the database), else the descriptor's URL of a broker without its own connection; null when there is none.
    /// </summary>
    public async Task<BrokerEndpoint?> EndpointAsync(System.Data.Common.DbConnection c, string vendorId, Marketplace.Catalog.Descriptors.ProvisioningDescriptor provisioning)
    {
        if (provisioning.BrokerConnection is { } name) return await connections.EndpointAsync(c, vendorId, name);
        return provisioning.BrokerUrl is { } url ? await EndpointAsync(c, vendorId, url) : null;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (BrokerEndpoint Endpoint, long At)> _endpoints = new(StringComparer.Ordinal);

    private async Task<BrokerEndpoint> LoadEndpointAsync(System.Data.Common.DbConnection c, string vendorId, string brokerUrl)
    {
        var row = await c.QuerySingleOrDefaultAsync<Row>(ProvisioningSql.VendorBroker, new { vendorId });
        var baseUrl = new Uri(brokerUrl.EndsWith('/') ? brokerUrl : brokerUrl + "/");
        if (row is null || row.AuthKind == BrokerAuth.None) return new BrokerEndpoint(vendorId, baseUrl, BrokerAuth.Anonymous);
        var secret = row.SecretProtected is null ? null : secrets.UnprotectText(row.SecretProtected);
        return new BrokerEndpoint(vendorId, baseUrl, new BrokerAuth(row.AuthKind, row.Username, secret, row.TokenUrl, row.Scope));
    }

    private async Task<Row?> RowAsync(string vendorId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Row>(ProvisioningSql.VendorBroker, new { vendorId });
    }
}
