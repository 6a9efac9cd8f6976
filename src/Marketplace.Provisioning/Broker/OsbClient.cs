using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Storage.Outbound;
using Polly.Timeout;

namespace Marketplace.Provisioning.Broker;

/// <summary>
/// Open Service Broker API 2.17 client for service instances. It only speaks HTTP and reports what came back
/// (<see cref="OsbResponse"/>); what an answer means is decided by <see cref="OsbSpec"/>. Transient faults on the wire
/// are handled by the resilience pipeline of the named HttpClient, never by a loop here.
/// </summary>
public sealed partial class OsbClient(IHttpClientFactory httpClients, BrokerTokenCache tokens)
{
    public const string HttpClientName = "osb";
    /// <summary>The version this client implements; sent when an offering claims no open-service-broker version.</summary>
    public const string ApiVersion = "2.17";

    public const string StandardId = "open-service-broker";

    /// <summary>The Open Service Broker API version the offering claims (its open-service-broker standard), else <see cref="ApiVersion"/>.</summary>
    public static string ApiVersionOf(Marketplace.Catalog.Descriptors.OfferingDescriptor offering) =>
        offering.Standards.FirstOrDefault(s => s.Standard == StandardId)?.Version is { Length: > 0 } v ? v : ApiVersion;

    public Task<OsbResponse> ProvisionAsync(BrokerEndpoint broker, string instanceId, ProvisionRequest request, OriginatingIdentity identity, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["service_id"] = request.ServiceId,
            ["plan_id"] = request.PlanId,
            ["context"] = request.Context.DeepClone(),
            ["organization_guid"] = request.OrganizationGuid,
            ["space_guid"] = request.SpaceGuid,
            ["parameters"] = request.Parameters.DeepClone(),
        };
        return SendAsync(broker, HttpMethod.Put, $"v2/service_instances/{Uri.EscapeDataString(instanceId)}?accepts_incomplete=true", body, identity, ct);
    }

    public Task<OsbResponse> UpdateAsync(BrokerEndpoint broker, string instanceId, UpdateRequest request, OriginatingIdentity identity, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["service_id"] = request.ServiceId,
            ["plan_id"] = request.PlanId,
            ["context"] = request.Context.DeepClone(),
            ["parameters"] = request.Parameters.DeepClone(),
            ["previous_values"] = new JsonObject { ["service_id"] = request.ServiceId, ["plan_id"] = request.PreviousPlanId },
        };
        return SendAsync(broker, HttpMethod.Patch, $"v2/service_instances/{Uri.EscapeDataString(instanceId)}?accepts_incomplete=true", body, identity, ct);
    }

    public Task<OsbResponse> DeprovisionAsync(BrokerEndpoint broker, string instanceId, string serviceId, string planId, OriginatingIdentity identity, CancellationToken ct) =>
        SendAsync(broker, HttpMethod.Delete,
            $"v2/service_instances/{Uri.EscapeDataString(instanceId)}?accepts_incomplete=true&service_id={Uri.EscapeDataString(serviceId)}&plan_id={Uri.EscapeDataString(planId)}",
            null, identity, ct);

    public Task<OsbResponse> LastOperationAsync(BrokerEndpoint broker, string instanceId, string serviceId, string planId, string? operation,
        OriginatingIdentity identity, CancellationToken ct)
    {
        var query = $"service_id={Uri.EscapeDataString(serviceId)}&plan_id={Uri.EscapeDataString(planId)}";
        if (!string.IsNullOrEmpty(operation)) query += "&operation=" + Uri.EscapeDataString(operation);
        return SendAsync(broker, HttpMethod.Get, $"v2/service_instances/{Uri.EscapeDataString(instanceId)}/last_operation?{query}", null, identity, ct);
    }

    public Task<OsbResponse> CatalogAsync(BrokerEndpoint broker, OriginatingIdentity identity, CancellationToken ct) =>
        SendAsync(broker, HttpMethod.Get, "v2/catalog", null, identity, ct);

    private async Task<OsbResponse> SendAsync(BrokerEndpoint broker, HttpMethod method, string relative, JsonObject? body,
        OriginatingIdentity identity, CancellationToken ct)
    {
        var response = await SendOnceAsync(broker, broker.Auth, method, relative, body, identity, ct);
        // During a secret rotation the broker may already expect the new secret: a refused call did nothing, so it is repeated with it.
        return broker.NextAuth is { } next && (response.AuthRefused || response.Is(HttpStatusCode.Unauthorized))
            ? await SendOnceAsync(broker, next, method, relative, body, identity, ct)
            : response;
    }

    private async Task<OsbResponse> SendOnceAsync(BrokerEndpoint broker, BrokerAuth auth, HttpMethod method, string relative, JsonObject? body,
        OriginatingIdentity identity, CancellationToken ct)
    {
        var requestId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(method, new Uri(broker.BaseUrl, relative));
        request.Headers.Add("X-Broker-API-Version", broker.ApiVersion);
        request.Headers.Add("X-Broker-API-Request-Identity", requestId);
        request.Headers.Add("X-Broker-API-Originating-Identity", OriginatingHeader(identity));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            request.Headers.Authorization = await AuthorizationAsync(broker with { Auth = auth }, ct);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try { json = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            return new OsbResponse(OsbTransport.Answered, (int)response.StatusCode, json, json is not null, RetryAfterOf(response), null, requestId) { RawText = text };
        }
        catch (TimeoutRejectedException e)
        {
            return OsbResponse.TimedOut(e.Message, requestId);
        }
        catch (HttpRequestException e) when (e.InnerException is NonPublicAddressException refused)
        {
            return OsbResponse.NotSent(refused.Message, requestId);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or null && e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return OsbResponse.NotSent(e.Message, requestId);
        }
        catch (HttpRequestException e)
        {
            // The connection broke after the request went out: the broker may have acted, as with a timeout.
            return OsbResponse.TimedOut(e.Message, requestId);
        }
        catch (BrokerAuthException e)
        {
            return OsbResponse.NotSent(e.Message, requestId) with { AuthRefused = true };
        }
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(BrokerEndpoint broker, CancellationToken ct) => broker.Auth.Kind switch
    {
        BrokerAuth.Basic => new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{broker.Auth.Username}:{broker.Auth.Secret}"))),
        BrokerAuth.OAuthClientCredentials => new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(broker, ct)),
        _ => null,
    };

    /// <summary>"platform base64(json)": the value form the specification gives for the originating identity.</summary>
    internal static string OriginatingHeader(OriginatingIdentity identity) =>
        identity.Platform + " " + Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["user_id"] = identity.UserId }.ToJsonString()));

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }
}

/// <summary>Thrown when a broker's OAuth token endpoint refuses the client credentials.</summary>
public sealed class BrokerAuthException(string message) : Exception(message);

/// <summary>
/// OAuth 2.0 client-credentials tokens per broker, reused until shortly before they expire. Tokens come from the
/// same resilient HttpClient as broker calls.
/// </summary>
public sealed class BrokerTokenCache(IHttpClientFactory httpClients, TimeProvider clock)
{
    private readonly Dictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> GetAsync(BrokerEndpoint broker, CancellationToken ct)
    {
        // The secret's hash is part of the key: a token got with an old secret must not hide that a new one is wrong.
        var key = broker.VendorId + "|" + broker.Auth.TokenUrl + "|" + broker.Auth.Username + "|" +
                  Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(broker.Auth.Secret ?? "")));
        await _gate.WaitAsync(ct);
        try
        {
            if (_tokens.TryGetValue(key, out var cached) && cached.Until > clock.GetUtcNow()) return cached.Token;
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = broker.Auth.Username ?? "",
                ["client_secret"] = broker.Auth.Secret ?? "",
            };
            if (!string.IsNullOrEmpty(broker.Auth.Scope)) form["scope"] = broker.Auth.Scope;
            var tokenUrl = new Uri(broker.BaseUrl, broker.Auth.TokenUrl ?? throw new BrokerAuthException("OAuth broker without token URL"));
            HttpResponseMessage response;
            try
            {
                response = await httpClients.CreateClient(OsbClient.HttpClientName).PostAsync(tokenUrl, new FormUrlEncodedContent(form), ct);
            }
            catch (HttpRequestException e)
            {
                // The broker call itself was not sent: nothing can have happened at the broker.
                throw new BrokerAuthException($"token endpoint not reachable: {(e.InnerException as NonPublicAddressException)?.Message ?? e.HttpRequestError.ToString()}");
            }
            using var _ = response;
            // Redirects are not followed (outbound policy): a 3xx is a refusal like any other non-success.
            if (!response.IsSuccessStatusCode) throw new BrokerAuthException($"token endpoint answered {(int)response.StatusCode}");
            var json = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            var token = json?["access_token"]?.GetValue<string>() ?? throw new BrokerAuthException("token endpoint sent no access_token");
            var lifetime = json["expires_in"] is JsonValue v && v.TryGetValue<int>(out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5);
            // Renew a little early so that a token never expires between cache and broker.
            _tokens[key] = (token, clock.GetUtcNow() + lifetime - TimeSpan.FromSeconds(Math.Min(30, lifetime.TotalSeconds / 2)));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
