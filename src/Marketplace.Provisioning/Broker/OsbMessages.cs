using System.Net;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>
/// Where a broker is, how to authenticate to it, and the API version sent as X-Broker-API-Version (the version of the
/// open-service-broker standard the offering claims).
/// </summary>
public sealed record BrokerEndpoint(string VendorId, Uri BaseUrl, BrokerAuth Auth, string ApiVersion = OsbClient.ApiVersion)
{
    /// <summary>A rotated secret not yet promoted: tried when the broker refuses <see cref="Auth"/>, so a switch has no downtime.</summary>
    public BrokerAuth? NextAuth { get; init; }
}

/// <summary>Broker authentication, secrets already revealed for the call (never stored like this).</summary>
public sealed record BrokerAuth(string Kind, string? Username = null, string? Secret = null, string? TokenUrl = null, string? Scope = null)
{
    public const string None = "none";
    public const string Basic = "basic";
    public const string OAuthClientCredentials = "oauth";

    public static BrokerAuth Anonymous { get; } = new(None);
}

/// <summary>How a broker call ended on the wire, before the Open Service Broker rules interpret it.</summary>
public enum OsbTransport
{
    /// <summary>An HTTP answer arrived (any status).</summary>
    Answered,
    /// <summary>No answer within the request timeout: the broker may have acted on the request.</summary>
    TimedOut,
    /// <summary>The request could not be sent (connection refused, DNS): the broker cannot have acted on it.</summary>
    NotSent,
}

/// <summary>One broker answer as received: status, JSON body (null when the body is not a JSON object), Retry-After.</summary>
public sealed record OsbResponse(OsbTransport Transport, int Status, JsonObject? Body, bool BodyIsJsonObject, TimeSpan? RetryAfter, string? TransportError, string RequestIdentity)
{
    public static OsbResponse TimedOut(string error, string requestId) => new(OsbTransport.TimedOut, 0, null, false, null, error, requestId);
    public static OsbResponse NotSent(string error, string requestId) => new(OsbTransport.NotSent, 0, null, false, null, error, requestId);

    /// <summary>The answer's body as it came (JSON or not), for checks that keep it as evidence.</summary>
    public string? RawText { get; init; }

    /// <summary>Not sent because the OAuth token endpoint refused the client credentials.</summary>
    public bool AuthRefused { get; init; }

    public bool Is(HttpStatusCode code) => Transport == OsbTransport.Answered && Status == (int)code;

    /// <summary>The broker's error code ("ConcurrencyError", "AsyncRequired", ...) of an error answer.</summary>
    public string? ErrorCode => Body?["error"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public string? Description => Body?["description"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public override string ToString() => Transport switch
    {
        OsbTransport.TimedOut => $"timeout ({TransportError})",
        OsbTransport.NotSent => $"not sent ({TransportError})",
        _ => $"HTTP {Status}" + (ErrorCode is { } e ? $" {e}" : "") + (Description is { } d ? $": {d}" : ""),
    };
}

/// <summary>
/// The body of a provision request (PUT /v2/service_instances/:id); organization_guid and space_guid are REQUIRED
/// by the specification (see <see cref="PlatformIdentifiers"/>).
/// </summary>
public sealed record ProvisionRequest(string ServiceId, string PlanId, JsonObject Parameters, JsonObject Context, string OrganizationGuid, string SpaceGuid);

/// <summary>The body of an update request (PATCH), with the values before the change.</summary>
public sealed record UpdateRequest(string ServiceId, string PlanId, JsonObject Parameters, JsonObject Context, string PreviousPlanId);

/// <summary>Who asked for a broker call: sent as X-Broker-API-Originating-Identity.</summary>
public sealed record OriginatingIdentity(string Platform, string UserId);
