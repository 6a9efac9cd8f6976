using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Marketplace.SampleBroker;

/// <summary>
/// The sample Open Service Broker: /v2/catalog, provision, update, deprovision and last_operation with configurable
/// latency, async or sync mode and injected faults; /admin/* lets tests read and steer it. Instances live in memory.
/// </summary>
public static class SampleBrokerApp
{
    public const string DefaultUrl = "http://127.0.0.1:5081";

    /// <summary>
    /// Builds the broker. Settings come from the "SampleBroker" section (command line, environment) and then
    /// <paramref name="configure"/>; without any URL setting it listens on <see cref="DefaultUrl"/>, where the seed catalogue points.
    /// </summary>
    public static WebApplication Build(string[] args, Action<SampleBrokerOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.Configure<SampleBrokerOptions>(builder.Configuration.GetSection(SampleBrokerOptions.Section));
        if (configure is not null) builder.Services.PostConfigure(configure);
        builder.Services.AddSingleton<BrokerState>();
        builder.Services.AddSingleton<BrokerCatalog>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning);
        var app = builder.Build();
        // Read the catalogue folder now, not inside the first request: on a busy machine that took longer than a
        // platform's request timeout and turned the first provision into a timeout.
        app.Services.GetRequiredService<BrokerCatalog>();
        foreach (var fault in app.Services.GetRequiredService<IOptions<SampleBrokerOptions>>().Value.Faults)
            app.Services.GetRequiredService<BrokerState>().AddFault(fault);
        Map(app);
        return app;
    }

    /// <summary>Starts the broker in this process on a free loopback port, for tests and benchmarks.</summary>
    public static async Task<SampleBrokerServer> StartAsync(Action<SampleBrokerOptions>? configure = null, int port = 0)
    {
        var app = Build([$"--urls=http://127.0.0.1:{port}"], configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SampleBrokerServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>The repository's catalog/ folder, found upwards from the program (so that dotnet run works from any folder).</summary>
    public static string? FindCatalog()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "catalog", "offerings"))) return Path.Combine(dir.FullName, "catalog");
        return null;
    }

    private static void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            using var _ = http.RequestServices.GetRequiredService<BrokerState>().Answer();
            await next(http);
        });
        var v2 = app.MapGroup("/v2").AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptionsMonitor<SampleBrokerOptions>>().CurrentValue;
            var version = http.Request.Headers["X-Broker-API-Version"].ToString();
            if (!version.StartsWith("2.", StringComparison.Ordinal))
                return Results.Json(new { description = "X-Broker-API-Version 2.x required" }, statusCode: 412);
            // Authentication first: an unauthenticated caller learns nothing about what else is wrong.
            if (!Authorised(http, options))
            {
                if (options.BasicUsername is not null) http.Response.Headers.WWWAuthenticate = "Basic realm=\"sample-broker\"";
                return Results.Json(new { description = "unauthorised" }, statusCode: 401);
            }
            if (HeaderProblem(http) is { } problem) return Error(400, problem);
            using var _ = http.RequestServices.GetRequiredService<BrokerState>().Request();
            return await next(ctx);
        });
        v2.MapGet("/catalog", (BrokerCatalog catalog) => Results.Json(catalog.Document()));
        v2.MapPut("/service_instances/{id}", Provision);
        v2.MapPatch("/service_instances/{id}", Update);
        v2.MapDelete("/service_instances/{id}", Deprovision);
        v2.MapGet("/service_instances/{id}/last_operation", LastOperation);
        v2.MapGet("/service_instances/{id}", Fetch);
        SampleBindings.Map(v2);

        app.MapPost("/oauth/token", (HttpRequest request, IOptionsMonitor<SampleBrokerOptions> options) =>
        {
            var o = options.CurrentValue;
            var form = request.Form;
            if (o.OAuthClientId is null || form["grant_type"] != "client_credentials" || form["client_id"] != o.OAuthClientId || form["client_secret"] != o.OAuthClientSecret)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            var token = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            Tokens[token] = DateTimeOffset.UtcNow.AddMinutes(10);
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 600 });
        });

        // Public status pages, one per catalogue offering, some deliberately flaky (see SampleStatus); no authentication, as a status page has none.
        app.MapGet("/status/{offeringId}", (string offeringId) => SampleStatus.Answer(offeringId, TimeProvider.System));

        var admin = app.MapGroup("/admin");
        admin.MapGet("/stats", (BrokerState state) => Results.Json(state.Stats()));
        admin.MapGet("/instances", (BrokerState state) => Results.Json(state.Instances.Values.Select(i => new
        {
            i.Id, i.ServiceId, i.PlanId, i.Ags, i.State, Parameters = JsonNode.Parse(i.ParametersJson), i.Context, i.OrganizationGuid, i.SpaceGuid,
            i.LastOriginatingIdentity, i.LastRequestIdentity, i.LastApiVersion,
        })));
        admin.MapGet("/bindings", (BrokerState state) => Results.Json(SampleBindings.Inspect(state)));
        admin.MapGet("/deleted", (BrokerState state) => Results.Json(state.Deleted.Keys.Order(StringComparer.Ordinal)));
        // Test hooks: the broker's instance changes or disappears out of band, as a vendor's own tooling might do it.
        admin.MapPatch("/instances/{id}", (string id, InstanceDrift drift, BrokerState state) =>
        {
            if (!state.Instances.TryGetValue(id, out var instance)) return Results.NotFound();
            if (drift.PlanId is { } plan) instance.PlanId = plan;
            if (drift.Parameters is { } parameters) instance.ParametersJson = parameters.ToJsonString();
            return Results.NoContent();
        });
        admin.MapDelete("/instances/{id}", (string id, BrokerState state) => state.Instances.TryRemove(id, out _) ? Results.NoContent() : Results.NotFound());
        admin.MapPost("/faults", (FaultRule rule, BrokerState state) => { state.AddFault(rule); return Results.NoContent(); });
        admin.MapDelete("/faults", (BrokerState state) => { state.ClearFaults(); return Results.NoContent(); });
        admin.MapPost("/reset", (BrokerState state) => { state.Reset(); return Results.NoContent(); });
        admin.MapPost("/settings", (SettingsChange change, IOptionsMonitor<SampleBrokerOptions> options) =>
        {
            var o = options.CurrentValue;
            if (change.Mode is { } m) o.Mode = m;
            if (change.LatencyMs is { } l) o.LatencyMs = l;
            o.RetryAfterSeconds = change.RetryAfterSeconds ?? o.RetryAfterSeconds;
            return Results.NoContent();
        });
    }

    /// <summary>An out-of-band change of an instance: another plan and/or other parameters.</summary>
    public sealed record InstanceDrift(string? PlanId, JsonObject? Parameters);

    /// <summary>Run-time change of mode, latency and Retry-After.</summary>
    public sealed record SettingsChange(BrokerMode? Mode, int? LatencyMs, int? RetryAfterSeconds);

    private static readonly ConcurrentDictionary<string, DateTimeOffset> Tokens = new(StringComparer.Ordinal);

    private static bool Authorised(HttpContext http, SampleBrokerOptions o)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (o.BasicUsername is not null)
            return header == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.BasicUsername}:{o.BasicPassword}"));
        if (o.OAuthClientId is not null)
            return header.StartsWith("Bearer ", StringComparison.Ordinal) && Tokens.TryGetValue(header[7..], out var until) && until > DateTimeOffset.UtcNow;
        return true;
    }

    private static async Task<IResult> Provision(string id, HttpContext http, BrokerState state, BrokerCatalog catalog, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        var body = await ReadBody(http);
        if (body is null) return Error(400, "body must be a JSON object");
        // The REQUIRED fields of OSB 2.17 (non-empty strings), and the optional ones in their declared types.
        foreach (var field in new[] { "service_id", "plan_id", "organization_guid", "space_guid" })
            if (NonEmptyString(body, field) is null) return Error(400, $"Missing {field}: a non-empty string is required");
        if (body.TryGetPropertyValue("context", out var c) && c is not null and not JsonObject) return Error(400, "context must be an object");
        if (body.TryGetPropertyValue("parameters", out var pm) && pm is not null and not JsonObject) return Error(400, "parameters must be an object");
        var serviceId = NonEmptyString(body, "service_id")!;
        var planId = NonEmptyString(body, "plan_id")!;
        if (!catalog.Knows(serviceId, planId)) return Error(400, "unknown service_id or plan_id");
        if (o.RefuseReusedInstanceIds && state.Deleted.ContainsKey(id))
            return Error(400, $"instance id {id} belonged to a deleted instance; this broker does not accept reused ids");
        var context = body["context"] as JsonObject;
        var ags = context?["ags"]?.GetValue<string>();
        var parameters = (body["parameters"] as JsonObject ?? []).ToJsonString();
        state.ProvisionRequested(id);
        var async = o.Mode == BrokerMode.Async;
        if (async && http.Request.Query["accepts_incomplete"] != "true")
            return Results.Json(new { error = "AsyncRequired", description = "This service plan requires client support for asynchronous service operations." }, statusCode: 422);

        var fault = state.TakeFault("provision", id, ags);
        if (fault is not null && !fault.CreateFirst || fault?.Kind is "409" or "422" or "400" or "408" or "429")
            return Fault(fault!);

        if (state.Instances.TryGetValue(id, out var existing))
        {
            if (existing.ServiceId != serviceId || existing.PlanId != planId || existing.ParametersJson != parameters || existing.Ags != ags)
                return Error(409, "an instance with this id but other attributes exists");
            Remember(existing, http);
            if (existing.State == "ready") return Results.Json(new { dashboard_url = Dashboard(http, id, o) }, statusCode: 200);
            if (existing.State == "provisioning") return Results.Json(new { dashboard_url = Dashboard(http, id, o), operation = existing.Operation }, statusCode: 202);
            return Error(409, $"instance is {existing.State}");
        }

        var instance = new SampleInstance
        {
            Id = id, ServiceId = serviceId, PlanId = planId, ParametersJson = parameters, Ags = ags, Context = context,
            OrganizationGuid = NonEmptyString(body, "organization_guid"), SpaceGuid = NonEmptyString(body, "space_guid"),
            Operation = "provision-" + Guid.NewGuid().ToString("N")[..12], ReadyAt = DateTimeOffset.UtcNow.AddMilliseconds(o.LatencyMs),
            FailAsync = fault?.Kind == "fail-async", State = async ? "provisioning" : "ready",
        };
        Remember(instance, http);
        if (!state.Instances.TryAdd(id, instance)) return Error(409, "instance being created by a concurrent request");
        state.Created(id);
        if (fault is not null && fault.Kind != "fail-async")
        {
            instance.State = "ready";
            return await Fault(fault, http);
        }
        if (!async)
        {
            await Task.Delay(o.LatencyMs, http.RequestAborted);
            return Results.Json(new { dashboard_url = Dashboard(http, id, o) }, statusCode: 201);
        }
        state.OperationOpened(instance);
        RetryAfter(http, o, instance);
        return Results.Json(new { dashboard_url = Dashboard(http, id, o), operation = instance.Operation }, statusCode: 202);
    }

    private static async Task<IResult> Update(string id, HttpContext http, BrokerState state, BrokerCatalog catalog, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        var body = await ReadBody(http);
        if (body is null) return Error(400, "body must be a JSON object");
        if (!state.Instances.TryGetValue(id, out var instance)) return Error(400, "instance does not exist");
        if (body["previous_values"] is not JsonObject) return Error(400, "previous_values missing");
        var planId = body["plan_id"]?.GetValue<string>() ?? instance.PlanId;
        if (!catalog.Knows(instance.ServiceId, planId)) return Error(400, "unknown plan_id");
        var fault = state.TakeFault("update", id, instance.Ags);
        if (fault is { ApplyFirst: true })
        {
            instance.PlanId = planId;
            instance.ParametersJson = (body["parameters"] as JsonObject ?? []).ToJsonString();
        }
        if (fault is not null) return await Fault(fault, http);
        if (instance.State is "provisioning" or "updating" or "deprovisioning")
            return Results.Json(new { error = "ConcurrencyError", description = "another operation is in progress" }, statusCode: 422);
        Remember(instance, http);
        instance.PlanId = planId;
        instance.ParametersJson = (body["parameters"] as JsonObject ?? []).ToJsonString();
        instance.Context = body["context"] as JsonObject ?? instance.Context;
        if (o.Mode == BrokerMode.Sync || http.Request.Query["accepts_incomplete"] != "true")
        {
            await Task.Delay(o.LatencyMs, http.RequestAborted);
            return Results.Json(new JsonObject(), statusCode: 200);
        }
        return Begin(state, instance, "updating", o);
    }

    private static async Task<IResult> Deprovision(string id, HttpContext http, BrokerState state, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        if (string.IsNullOrEmpty(http.Request.Query["service_id"]) || string.IsNullOrEmpty(http.Request.Query["plan_id"]))
            return Error(400, "service_id and plan_id are required");
        state.Instances.TryGetValue(id, out var instance);
        var fault = state.TakeFault("deprovision", id, instance?.Ags);
        if (fault is not null) return await Fault(fault, http);
        if (instance is null) return Results.Json(new JsonObject(), statusCode: 410);
        // Platforms MUST delete all bindings of an instance before deprovisioning it: this broker holds them to that.
        if (state.Bindings.Values.Any(b => b.InstanceId == id))
            return Error(400, "the instance still has service bindings; delete them before deprovisioning");
        Remember(instance, http);
        if (instance.State is "updating" or "deprovisioning" && instance.ReadyAt > DateTimeOffset.UtcNow)
            return instance.State == "deprovisioning"
                ? Results.Json(new { operation = instance.Operation }, statusCode: 202)
                : Results.Json(new { error = "ConcurrencyError" }, statusCode: 422);
        // Deleting an instance still being created halts the creation at once (the specification's rule).
        if (o.Mode == BrokerMode.Sync || http.Request.Query["accepts_incomplete"] != "true" || instance.State is "provisioning" or "failed")
        {
            state.OperationReported(instance);
            state.Removed(id);
            return Results.Json(new JsonObject(), statusCode: 200);
        }
        state.OperationReported(instance);
        return Begin(state, instance, "deprovisioning", o);
    }

    private static async Task<IResult> LastOperation(string id, HttpContext http, BrokerState state, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        state.Instances.TryGetValue(id, out var instance);
        var fault = state.TakeFault("last_operation", id, instance?.Ags);
        if (fault is not null) return await Fault(fault, http);
        if (instance is null) return Results.Json(new JsonObject(), statusCode: 410);
        var now = DateTimeOffset.UtcNow;
        if (instance.State is "provisioning" or "updating" or "deprovisioning" && instance.ReadyAt > now)
        {
            RetryAfter(http, o, instance);
            return Results.Json(new { state = "in progress", description = $"{instance.State} ({instance.Operation})" });
        }
        state.OperationReported(instance);
        switch (instance.State)
        {
            case "provisioning" when instance.FailAsync:
                instance.State = "failed";
                return Results.Json(new { state = "failed", description = "injected: provisioning failed" });
            case "failed":
                return Results.Json(new { state = "failed", description = "injected: provisioning failed" });
            case "deprovisioning":
                state.Removed(id);
                return Results.Json(new JsonObject(), statusCode: 410);
            default:
                instance.State = "ready";
                return Results.Json(new { state = "succeeded", description = "done" });
        }
    }

    /// <summary>
    /// GET /v2/service_instances/:id (OSB 2.17 "Fetching a Service Instance"): 200 with service_id, plan_id, dashboard_url and
    /// parameters; 404 for an instance that does not exist or whose provisioning is still in progress; 422 ConcurrencyError
    /// while it is being updated. The query hints, when present, must be non-empty strings.
    /// </summary>
    private static async Task<IResult> Fetch(string id, HttpContext http, BrokerState state, IOptionsMonitor<SampleBrokerOptions> monitor)
    {
        var o = monitor.CurrentValue;
        using var _ = state.Fetch(o.InstancesRetrievable);
        if (!o.InstancesRetrievable) return Error(404, "this broker does not declare instances_retrievable");
        foreach (var hint in new[] { "service_id", "plan_id" })
            if (http.Request.Query.TryGetValue(hint, out var value) && string.IsNullOrEmpty(value.ToString()))
                return Error(400, $"{hint}, if present, must be a non-empty string");
        state.Instances.TryGetValue(id, out var instance);
        var fault = state.TakeFault("fetch", id, instance?.Ags);
        if (fault is not null) return await Fault(fault, http);
        if (instance is null || instance.State is "provisioning" or "failed") return Error(404, "no such instance");
        if (instance.State == "updating" && instance.ReadyAt > DateTimeOffset.UtcNow)
            return Results.Json(new { error = "ConcurrencyError", description = "the instance is being updated" }, statusCode: 422);
        await Task.Delay(o.LatencyMs, http.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["service_id"] = instance.ServiceId, ["plan_id"] = instance.PlanId, ["dashboard_url"] = Dashboard(http, id, o),
            ["parameters"] = JsonNode.Parse(instance.ParametersJson),
        });
    }

    /// <summary>Starts an asynchronous operation on an existing instance: 202 with its operation id, done after the latency.</summary>
    private static IResult Begin(BrokerState state, SampleInstance instance, string operationState, SampleBrokerOptions o)
    {
        instance.State = operationState;
        instance.Operation = operationState + "-" + Guid.NewGuid().ToString("N")[..12];
        instance.ReadyAt = DateTimeOffset.UtcNow.AddMilliseconds(o.LatencyMs);
        state.OperationOpened(instance);
        return Results.Json(new { operation = instance.Operation }, statusCode: 202);
    }

    /// <summary>When to ask again: the configured seconds, or the seconds the operation still needs (rounded up).</summary>
    private static void RetryAfter(HttpContext http, SampleBrokerOptions o, SampleInstance instance)
    {
        var wait = o.RetryAfterSeconds ?? (int)Math.Ceiling((instance.ReadyAt - DateTimeOffset.UtcNow).TotalSeconds);
        http.Response.Headers.RetryAfter = Math.Max(0, wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IResult Fault(FaultRule fault) => fault.Kind switch
    {
        "409" => Error(409, "injected conflict"),
        "422" => Results.Json(new { error = fault.ErrorCode ?? "MaintenanceInfoConflict", description = "injected" }, statusCode: 422),
        "400" => Error(400, "injected bad request"),
        "408" => Error(408, "injected request timeout"),
        "429" => Error(429, "injected: too many requests"),
        _ => Error(500, "injected broker error"),
    };

    /// <summary>A fault that comes after the resource was created (timeout, malformed answer, other 2xx, 5xx).</summary>
    internal static Task<IResult> FaultAfterCreating(FaultRule fault, HttpContext http) => Fault(fault, http);

    private static async Task<IResult> Fault(FaultRule fault, HttpContext http)
    {
        switch (fault.Kind)
        {
            case "timeout":
                using (http.RequestServices.GetRequiredService<BrokerState>().Withhold())
                    await Task.Delay(fault.DelayMs, http.RequestAborted);
                return Results.Json(new JsonObject(), statusCode: 201);
            case "malformed":
                return Results.Text("{\"dashboard_url\": 42, ", "application/json", statusCode: fault.Operation is "provision" or "bind" ? 201 : 200);
            case "2xx-other":
                return Results.StatusCode(204);
            case var k when k.StartsWith('5'):
                return Error(int.Parse(k), "injected broker error");
            default:
                return Fault(fault);
        }
    }

    private static IResult Error(int status, string description) => Results.Json(new { description }, statusCode: status);

    private static async Task<JsonObject?> ReadBody(HttpContext http)
    {
        try { return await JsonNode.ParseAsync(http.Request.Body) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>
    /// What the specification demands of every request's headers: a request identity, and an originating identity (when
    /// sent) of the form "platform base64(JSON object)".
    /// </summary>
    private static string? HeaderProblem(HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers["X-Broker-API-Request-Identity"].ToString()))
            return "X-Broker-API-Request-Identity is required";
        var originating = http.Request.Headers["X-Broker-API-Originating-Identity"].ToString();
        if (originating.Length == 0) return null;
        var parts = originating.Split(' ');
        try
        {
            if (parts.Length == 2 && parts[0].Length > 0 && JsonNode.Parse(Convert.FromBase64String(parts[1])) is JsonObject) return null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { }
        return "X-Broker-API-Originating-Identity must be \"platform base64(json object)\"";
    }

    private static string? NonEmptyString(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static void Remember(SampleInstance instance, HttpContext http)
    {
        instance.LastApiVersion = http.Request.Headers["X-Broker-API-Version"].ToString();
        instance.LastOriginatingIdentity = http.Request.Headers["X-Broker-API-Originating-Identity"].ToString();
        instance.LastRequestIdentity = http.Request.Headers["X-Broker-API-Request-Identity"].ToString();
    }

    private static string Dashboard(HttpContext http, string id, SampleBrokerOptions o) =>
        o.DashboardUrl ?? $"{http.Request.Scheme}://{http.Request.Host}/dashboard/{id}";
}

/// <summary>The broker catalogue: services and plans from the catalogue folder's osb offerings, or configured ones.</summary>
public sealed class BrokerCatalog
{
    private readonly Dictionary<string, ServiceDefinition> _services = new(StringComparer.Ordinal);
    private readonly SampleBrokerOptions _options;

    public BrokerCatalog(IOptions<SampleBrokerOptions> options, IHostEnvironment environment)
    {
        _options = options.Value;
        foreach (var s in _options.Services) _services[s.Id] = s;
        var bindable = _options.BindableOfferings.ToHashSet(StringComparer.Ordinal);
        if (_options.Catalog is not null || _options.CatalogPath is not null)
        {
            var snapshot = _options.Catalog ?? CatalogLoader.Load(Path.GetFullPath(_options.CatalogPath!, environment.ContentRootPath)).Snapshot;
            foreach (var o in snapshot?.Offerings.Select(l => l.Value) ?? [])
                if (o.Provisioning is { Type: "osb", ServiceId: { } sid } p)
                    _services[sid] = new ServiceDefinition { Id = sid, Name = o.Id, Description = o.Summary, Plans = new Dictionary<string, string>(p.PlanIds ?? new Dictionary<string, string>()),
                        Bindable = bindable.Contains(o.Id) };
        }
    }

    /// <summary>With no services configured the broker accepts any service and plan (a blank broker for experiments).</summary>
    public bool Knows(string serviceId, string planId) =>
        _services.Count == 0 || _services.TryGetValue(serviceId, out var s) && s.Plans.Values.Contains(planId);

    /// <summary>Whether the plan may be bound: the plan's own flag, else its service's (the specification's precedence).</summary>
    public bool Bindable(string serviceId, string planId) =>
        _services.TryGetValue(serviceId, out var s) && s.Plans.FirstOrDefault(p => p.Value == planId) is { Value: not null } plan
            ? s.PlanBindable.TryGetValue(plan.Key, out var own) ? own : s.Bindable
            : _services.Count == 0;

    public JsonObject Document() => new()
    {
        ["services"] = new JsonArray(_services.Values.Select(s => (JsonNode)new JsonObject
        {
            // Bindings are fetched after an asynchronous bind, so a bindable service also lets them be retrieved.
            ["id"] = s.Id, ["name"] = s.Name, ["description"] = s.Description, ["bindable"] = s.Bindable, ["bindings_retrievable"] = s.Bindable,
            ["plan_updateable"] = true, ["instances_retrievable"] = _options.InstancesRetrievable,
            ["plans"] = new JsonArray(s.Plans.Select(p =>
            {
                var plan = new JsonObject { ["id"] = p.Value, ["name"] = p.Key, ["description"] = p.Key };
                if (_options.MaximumPollingDurationSeconds is { } max) plan["maximum_polling_duration"] = max;
                if (s.PlanBindable.TryGetValue(p.Key, out var own)) plan["bindable"] = own;
                return (JsonNode)plan;
            }).ToArray()),
        }).ToArray()),
    };
}

/// <summary>A sample broker running in this process; disposing stops it.</summary>
public sealed class SampleBrokerServer(WebApplication app, Uri baseAddress) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = baseAddress;
    public BrokerState State => app.Services.GetRequiredService<BrokerState>();
    public SampleBrokerOptions Options => app.Services.GetRequiredService<IOptionsMonitor<SampleBrokerOptions>>().CurrentValue;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
