using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

public sealed partial class OsbClient
{
    /// <summary>
    /// GET /v2/service_instances/:instance_id ("Fetching a Service Instance", OSB 2.17), with service_id and plan_id as
    /// the hints the specification allows. Only for services whose catalogue entry declares <c>instances_retrievable</c>:
    /// otherwise platforms SHOULD NOT call it (<see cref="InstanceFetcher"/> checks that).
    /// </summary>
    public Task<OsbResponse> FetchInstanceAsync(BrokerEndpoint broker, string instanceId, string serviceId, string planId, OriginatingIdentity identity,
        CancellationToken ct) =>
        SendAsync(broker, HttpMethod.Get,
            $"v2/service_instances/{Uri.EscapeDataString(instanceId)}?service_id={Uri.EscapeDataString(serviceId)}&plan_id={Uri.EscapeDataString(planId)}",
            null, identity, ct);
}

/// <summary>How a fetch of a service instance ended, in the terms of the specification's response table.</summary>
public enum FetchOutcome
{
    /// <summary>200 with a well-formed body: what the broker holds.</summary>
    Found,
    /// <summary>404: the instance does not exist (or its provisioning is still in progress).</summary>
    Missing,
    /// <summary>422 ConcurrencyError: the instance is being updated and cannot be fetched now.</summary>
    Busy,
    /// <summary>Any other answer, a malformed body or no answer: a failure; the platform keeps remembering the instance.</summary>
    Unclear,
}

/// <summary>What the broker says it holds for an instance (each field optional in the specification; parameters may be withheld).</summary>
public sealed record BrokerInstanceView(string? ServiceId, string? PlanId, string? DashboardUrl, JsonObject? Parameters);

/// <summary>A fetch's result: its outcome, the instance when found, and the answer as the vendor and the platform may read it.</summary>
public sealed record FetchedInstance(FetchOutcome Outcome, BrokerInstanceView? Instance, string Detail)
{
    /// <summary>Reads an answer to GET /v2/service_instances/:id line by line against the specification.</summary>
    public static FetchedInstance Interpret(OsbResponse r)
    {
        var detail = $"GET service_instance {r}";
        if (r.Transport != OsbTransport.Answered) return new(FetchOutcome.Unclear, null, detail);
        switch (r.Status)
        {
            case 200:
                if (r.Body is not { } body) return new(FetchOutcome.Unclear, null, detail + " (body is not a JSON object)");
                if (!OptionalString(body, "service_id") || !OptionalString(body, "plan_id") || !OptionalString(body, "dashboard_url")
                    || body["parameters"] is not (null or JsonObject))
                    return new(FetchOutcome.Unclear, null, detail + " (malformed body)");
                return new(FetchOutcome.Found, new BrokerInstanceView(Text(body, "service_id"), Text(body, "plan_id"), Text(body, "dashboard_url"),
                    body["parameters"]?.DeepClone().AsObject()), detail);
            case 404:
                return new(FetchOutcome.Missing, null, detail);
            case 422 when r.ErrorCode == "ConcurrencyError":
                return new(FetchOutcome.Busy, null, detail);
            default:
                return new(FetchOutcome.Unclear, null, detail);
        }
    }

    private static bool OptionalString(JsonObject body, string name) =>
        body[name] is null || body[name] is JsonValue v && v.TryGetValue<string>(out _);

    private static string? Text(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// Fetches an instance only where the broker's catalogue declares <c>instances_retrievable</c> for its service; null
/// when it does not (or the catalogue cannot be read now), so the platform never calls an endpoint the broker did not offer.
/// </summary>
public sealed class InstanceFetcher(OsbClient osb, BrokerCatalogs catalogs)
{
    public async Task<FetchedInstance?> FetchIfRetrievableAsync(BrokerEndpoint broker, string instanceId, string serviceId, string planId,
        OriginatingIdentity identity, CancellationToken ct)
    {
        if (!await catalogs.InstancesRetrievableAsync(broker, serviceId, identity, ct)) return null;
        return FetchedInstance.Interpret(await osb.FetchInstanceAsync(broker, instanceId, serviceId, planId, identity, ct));
    }
}
