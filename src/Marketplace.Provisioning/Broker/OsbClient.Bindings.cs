using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>The body of a bind request (PUT .../service_bindings/:binding_id); service_id and plan_id are REQUIRED.</summary>
public sealed record BindRequest(string ServiceId, string PlanId, JsonObject Context, JsonObject BindResource, JsonObject Parameters);

/// <summary>Where a binding lives at the broker: its instance, and the service and plan sent along as hints.</summary>
public sealed record BindingAddress(string InstanceId, string BindingId, string ServiceId, string PlanId)
{
    internal string Path => $"v2/service_instances/{Uri.EscapeDataString(InstanceId)}/service_bindings/{Uri.EscapeDataString(BindingId)}";
    internal string Hints => $"service_id={Uri.EscapeDataString(ServiceId)}&plan_id={Uri.EscapeDataString(PlanId)}";
}

// Service bindings (OSB 2.17 "Binding", "Fetching a Service Binding", "Unbinding", "Polling Last Operation for Service Bindings").
public sealed partial class OsbClient
{
    /// <summary>Creates a binding; <paramref name="acceptsIncomplete"/> only when the broker lets the platform fetch an asynchronous binding afterwards.</summary>
    public Task<OsbResponse> BindAsync(BrokerEndpoint broker, BindingAddress at, BindRequest request, bool acceptsIncomplete, OriginatingIdentity identity,
        CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["service_id"] = request.ServiceId,
            ["plan_id"] = request.PlanId,
            ["context"] = request.Context.DeepClone(),
            ["bind_resource"] = request.BindResource.DeepClone(),
            ["parameters"] = request.Parameters.DeepClone(),
        };
        return SendAsync(broker, HttpMethod.Put, at.Path + (acceptsIncomplete ? "?accepts_incomplete=true" : ""), body, identity, ct);
    }

    public Task<OsbResponse> FetchBindingAsync(BrokerEndpoint broker, BindingAddress at, OriginatingIdentity identity, CancellationToken ct) =>
        SendAsync(broker, HttpMethod.Get, $"{at.Path}?{at.Hints}", null, identity, ct);

    public Task<OsbResponse> UnbindAsync(BrokerEndpoint broker, BindingAddress at, OriginatingIdentity identity, CancellationToken ct) =>
        SendAsync(broker, HttpMethod.Delete, $"{at.Path}?accepts_incomplete=true&{at.Hints}", null, identity, ct);

    public Task<OsbResponse> BindingLastOperationAsync(BrokerEndpoint broker, BindingAddress at, string? operation, OriginatingIdentity identity,
        CancellationToken ct)
    {
        var query = at.Hints;
        if (!string.IsNullOrEmpty(operation)) query += "&operation=" + Uri.EscapeDataString(operation);
        return SendAsync(broker, HttpMethod.Get, $"{at.Path}/last_operation?{query}", null, identity, ct);
    }
}
