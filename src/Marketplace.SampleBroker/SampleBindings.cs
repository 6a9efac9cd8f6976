using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Marketplace.SampleBroker;

/// <summary>A service binding held by the sample broker: the credentials it handed out for one instance.</summary>
public sealed class SampleBinding
{
    public required string Id { get; init; }
    public required string InstanceId { get; init; }
    public required string ServiceId { get; init; }
    public required string PlanId { get; init; }
    /// <summary>The request's parameters, context-free (compared when the same binding id comes again).</summary>
    public required string RequestJson { get; init; }
    public string? AppGuid { get; init; }
    public JsonObject? Context { get; init; }
    /// <summary>creating, ready, failed, deleting.</summary>
    public string State { get; set; } = "creating";
    public string? Operation { get; set; }
    public DateTimeOffset ReadyAt { get; set; }
    public bool FailAsync { get; init; }
    public required JsonObject Credentials { get; init; }
    public required JsonArray Endpoints { get; init; }
    public string? LastRequestIdentity { get; set; }
}

/// <summary>
/// The binding endpoints of the sample broker (OSB 2.17 "Binding", "Fetching a Service Binding", "Unbinding" and their
/// last_operation), as strict as the specification: required fields, the plan's bindable flag, 409 for a reused
/// binding id with another body, 404/410 for unknown bindings, and no deprovisioning while bindings remain.
/// </summary>
public static class SampleBindings
{
    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapPut("/service_instances/{instanceId}/service_bindings/{bindingId}", Bind);
        v2.MapGet("/service_instances/{instanceId}/service_bindings/{bindingId}", Fetch);
        v2.MapDelete("/service_instances/{instanceId}/service_bindings/{bindingId}", Unbind);
        v2.MapGet("/service_instances/{instanceId}/service_bindings/{bindingId}/last_operation", LastOperation);
    }

    /// <summary>What /admin/bindings shows: every binding without its password.</summary>
    public static object Inspect(BrokerState state) => state.Bindings.Values.OrderBy(b => b.Id, StringComparer.Ordinal).Select(b => new
    {
        b.Id, b.InstanceId, b.ServiceId, b.PlanId, b.State, b.AppGuid, b.Context, Username = b.Credentials["username"]?.GetValue<string>(),
        b.LastRequestIdentity,
    });

    private static async Task<IResult> Bind(string instanceId, string bindingId, HttpContext http, BrokerState state, BrokerCatalog catalog,
        IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject; }
        catch (System.Text.Json.JsonException) { body = null; }
        if (body is null) return Error(400, "body must be a JSON object");
        foreach (var field in new[] { "service_id", "plan_id" })
            if (Text(body, field) is null) return Error(400, $"Missing {field}: a non-empty string is required");
        foreach (var field in new[] { "context", "parameters", "bind_resource" })
            if (body.TryGetPropertyValue(field, out var node) && node is not null and not JsonObject) return Error(400, $"{field} must be an object");
        var bindResource = body["bind_resource"] as JsonObject;
        if (bindResource is not null && bindResource.ContainsKey("app_guid") && Text(bindResource, "app_guid") is null)
            return Error(400, "bind_resource.app_guid must be a non-empty string");
        if (body.ContainsKey("app_guid") && Text(body, "app_guid") is null) return Error(400, "app_guid must be a non-empty string");
        var serviceId = Text(body, "service_id")!;
        var planId = Text(body, "plan_id")!;
        if (!state.Instances.TryGetValue(instanceId, out var instance)) return Error(404, $"instance {instanceId} does not exist");
        if (instance.ServiceId != serviceId || instance.PlanId != planId) return Error(400, "service_id and plan_id must be those of the instance");
        if (!catalog.Bindable(serviceId, planId)) return Error(400, "the plan is not bindable");
        if (instance.State is not ("ready" or "updating"))
            return Results.Json(new { error = "ConcurrencyError", description = $"instance is {instance.State}" }, statusCode: 422);
        if (state.DeletedBindings.ContainsKey(bindingId)) return Error(400, $"binding id {bindingId} belonged to a deleted binding; ids are not reused");
        var async = o.Mode == BrokerMode.Async;
        if (async && http.Request.Query["accepts_incomplete"] != "true")
            return Results.Json(new { error = "AsyncRequired", description = "This service plan requires client support for asynchronous binding operations." },
                statusCode: 422);
        var request = new JsonObject
        {
            ["service_id"] = serviceId, ["plan_id"] = planId, ["parameters"] = body["parameters"]?.DeepClone(), ["app_guid"] = Text(bindResource ?? [], "app_guid"),
        }.ToJsonString();

        var fault = state.TakeFault("bind", instanceId, instance.Ags);
        if (fault is not null && (!fault.CreateFirst || fault.Kind is "409" or "422" or "400" or "408" or "429")) return Fault(fault);

        if (state.Bindings.TryGetValue(bindingId, out var existing))
        {
            if (existing.InstanceId != instanceId || existing.RequestJson != request)
                return Error(409, "a binding with this id but other attributes exists");
            existing.LastRequestIdentity = http.Request.Headers["X-Broker-API-Request-Identity"].ToString();
            return existing.State switch
            {
                "ready" when !async => Results.Json(Answer(existing), statusCode: 200),
                "creating" => Results.Json(new { operation = existing.Operation }, statusCode: 202),
                _ => Error(409, $"binding is {existing.State}"),
            };
        }

        var host = http.Request.Host.Host;
        var binding = new SampleBinding
        {
            Id = bindingId, InstanceId = instanceId, ServiceId = serviceId, PlanId = planId, RequestJson = request, AppGuid = Text(bindResource ?? [], "app_guid"),
            Context = body["context"]?.DeepClone() as JsonObject, State = async ? "creating" : "ready",
            Operation = "bind-" + Guid.NewGuid().ToString("N")[..12], ReadyAt = DateTimeOffset.UtcNow.AddMilliseconds(o.LatencyMs),
            FailAsync = fault?.Kind == "fail-async",
            Credentials = new JsonObject
            {
                ["uri"] = $"{http.Request.Scheme}://{http.Request.Host}/fachverfahren/{instanceId}",
                ["username"] = "fv-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant(),
                ["password"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('='),
            },
            Endpoints = [new JsonObject { ["host"] = host, ["ports"] = new JsonArray((JsonNode)(http.Request.Host.Port ?? 443).ToString()), ["protocol"] = "tcp" }],
            LastRequestIdentity = http.Request.Headers["X-Broker-API-Request-Identity"].ToString(),
        };
        if (!state.Bindings.TryAdd(bindingId, binding)) return Error(409, "binding being created by a concurrent request");
        if (fault is not null && fault.Kind != "fail-async")
        {
            binding.State = "ready";
            return await SampleBrokerApp.FaultAfterCreating(fault, http);
        }
        if (!async)
        {
            await Task.Delay(o.LatencyMs, http.RequestAborted);
            return Results.Json(Answer(binding), statusCode: 201);
        }
        return Results.Json(new { operation = binding.Operation }, statusCode: 202);
    }

    private static IResult Fetch(string instanceId, string bindingId, HttpContext http, BrokerState state)
    {
        if (HintProblem(http, required: false) is { } problem) return Error(400, problem);
        var fault = state.TakeFault("fetch_binding", instanceId, null);
        if (fault is not null) return Fault(fault);
        // 404 while the binding is being created, as the specification demands.
        if (!state.Bindings.TryGetValue(bindingId, out var b) || b.InstanceId != instanceId || b.State != "ready") return Error(404, "binding does not exist");
        return Results.Json(Answer(b));
    }

    private static async Task<IResult> Unbind(string instanceId, string bindingId, HttpContext http, BrokerState state, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        if (HintProblem(http, required: true) is { } problem) return Error(400, problem);
        var fault = state.TakeFault("unbind", instanceId, null);
        if (fault is not null) return fault.Kind is "timeout" or "malformed" or "2xx-other" ? await SampleBrokerApp.FaultAfterCreating(fault, http) : Fault(fault);
        if (!state.Bindings.TryGetValue(bindingId, out var b) || b.InstanceId != instanceId) return Results.Json(new JsonObject(), statusCode: 410);
        if (b.State == "deleting") return Results.Json(new { operation = b.Operation }, statusCode: 202);
        if (o.Mode == BrokerMode.Sync || http.Request.Query["accepts_incomplete"] != "true" || b.State is "creating" or "failed")
        {
            // Deleting a binding still being created halts the creation (the specification's rule).
            state.RemoveBinding(bindingId);
            return Results.Json(new JsonObject(), statusCode: 200);
        }
        b.State = "deleting";
        b.Operation = "unbind-" + Guid.NewGuid().ToString("N")[..12];
        b.ReadyAt = DateTimeOffset.UtcNow.AddMilliseconds(o.LatencyMs);
        return Results.Json(new { operation = b.Operation }, statusCode: 202);
    }

    private static IResult LastOperation(string instanceId, string bindingId, HttpContext http, BrokerState state)
    {
        if (HintProblem(http, required: false) is { } problem) return Error(400, problem);
        if (http.Request.Query.ContainsKey("operation") && string.IsNullOrEmpty(http.Request.Query["operation"])) return Error(400, "operation must be non-empty");
        var fault = state.TakeFault("binding_last_operation", instanceId, null);
        if (fault is not null) return Fault(fault);
        if (!state.Bindings.TryGetValue(bindingId, out var b) || b.InstanceId != instanceId)
            return state.DeletedBindings.ContainsKey(bindingId) ? Results.Json(new JsonObject(), statusCode: 410) : Error(404, "binding does not exist");
        if (b.State is "creating" or "deleting" && b.ReadyAt > DateTimeOffset.UtcNow)
            return Results.Json(new { state = "in progress", description = $"{b.State} ({b.Operation})" });
        switch (b.State)
        {
            case "creating" when b.FailAsync:
                b.State = "failed";
                return Results.Json(new { state = "failed", description = "injected: binding failed" });
            case "failed":
                return Results.Json(new { state = "failed", description = "injected: binding failed" });
            case "deleting":
                state.RemoveBinding(bindingId);
                return Results.Json(new JsonObject(), statusCode: 410);
            default:
                b.State = "ready";
                return Results.Json(new { state = "succeeded", description = "binding ready" });
        }
    }

    private static JsonObject Answer(SampleBinding b) => new() { ["credentials"] = b.Credentials.DeepClone(), ["endpoints"] = b.Endpoints.DeepClone() };

    /// <summary>service_id and plan_id: REQUIRED on DELETE; on GETs optional hints that, if present, are non-empty.</summary>
    private static string? HintProblem(HttpContext http, bool required)
    {
        foreach (var name in new[] { "service_id", "plan_id" })
        {
            var present = http.Request.Query.ContainsKey(name);
            if ((required || present) && string.IsNullOrEmpty(http.Request.Query[name])) return $"{name} must be a non-empty string";
        }
        return null;
    }

    private static string? Text(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static IResult Error(int status, string description) => Results.Json(new { description }, statusCode: status);

    private static IResult Fault(FaultRule fault) => fault.Kind switch
    {
        "409" => Error(409, "injected conflict"),
        "422" => Results.Json(new { error = fault.ErrorCode ?? "ConcurrencyError", description = "injected" }, statusCode: 422),
        "400" => Error(400, "injected bad request"),
        "408" => Error(408, "injected request timeout"),
        "429" => Error(429, "injected: too many requests"),
        var k when k.Length == 3 && k[0] == '5' => Error(int.Parse(k), "injected broker error"),
        _ => Error(500, "injected broker error"),
    };
}
