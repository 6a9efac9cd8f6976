namespace Marketplace.SampleBroker;

/// <summary>Whether provisioning answers at once (201 after the latency) or asynchronously (202, then last_operation).</summary>
public enum BrokerMode
{
    Async,
    Sync,
}

/// <summary>Configuration section "SampleBroker"; changeable at run time through POST /admin/settings.</summary>
public sealed class SampleBrokerOptions
{
    public const string Section = "SampleBroker";

    public BrokerMode Mode { get; set; } = BrokerMode.Async;

    /// <summary>How long an operation takes: the delay of a synchronous answer, or until last_operation reports success.</summary>
    public int LatencyMs { get; set; } = 2000;

    /// <summary>Retry-After sent with last_operation while in progress; null: the seconds the operation still needs (rounded up).</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>maximum_polling_duration announced for every plan (seconds); null: none.</summary>
    public int? MaximumPollingDurationSeconds { get; set; }

    /// <summary>The dashboard_url sent for every instance instead of the broker's own page (to test how a platform treats hostile links).</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>catalog/ folder whose osb offerings (serviceId, planIds) make up /v2/catalog; relative to the content root.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>
    /// The catalogue of <see cref="CatalogPath"/> already loaded, for a process that starts many brokers (the test worlds):
    /// loading and validating the folder costs seconds on a busy machine. Not bound from configuration.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Marketplace.Catalog.Descriptors.CatalogSnapshot? Catalog { get; set; }

    /// <summary>Offerings of the catalogue folder whose service is bindable (credentials for the municipality's Fachverfahren).</summary>
    public List<string> BindableOfferings { get; set; } = ["fundbuero-amtsfuchs"];

    /// <summary>Services offered when no catalogue folder is given (or in addition to it).</summary>
    public List<ServiceDefinition> Services { get; set; } = [];

    /// <summary>
    /// Refuse a provision request whose instance id belonged to an instance deleted before (400): platforms SHOULD NOT
    /// reuse ids and a broker MAY refuse them, so the strict default shows a platform that does.
    /// </summary>
    public bool RefuseReusedInstanceIds { get; set; } = true;

    /// <summary>
    /// Declares <c>instances_retrievable</c> for every service and answers GET /v2/service_instances/:id. Off, the
    /// endpoint answers 404 and counts the call as one the platform SHOULD NOT have made (<see cref="BrokerStats.UndeclaredFetches"/>).
    /// </summary>
    public bool InstancesRetrievable { get; set; }

    /// <summary>Basic authentication required when set.</summary>
    public string? BasicUsername { get; set; }
    public string? BasicPassword { get; set; }

    /// <summary>OAuth 2.0 client credentials (token endpoint /oauth/token) required when set.</summary>
    public string? OAuthClientId { get; set; }
    public string? OAuthClientSecret { get; set; }

    /// <summary>Faults injected from the start; more through POST /admin/faults.</summary>
    public List<FaultRule> Faults { get; set; } = [];
}

/// <summary>A service of the broker catalogue with its plan ids.</summary>
public sealed class ServiceDefinition
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public Dictionary<string, string> Plans { get; set; } = new();
    /// <summary>Whether instances of the service can be bound (the default of its plans).</summary>
    public bool Bindable { get; set; }
    /// <summary>Plans (by name) whose bindable flag differs from the service's.</summary>
    public Dictionary<string, bool> PlanBindable { get; set; } = new();
}

/// <summary>
/// An injected fault. <see cref="Kind"/>: "500"/"503" (broker error), "timeout" (no answer for <see cref="DelayMs"/>),
/// "malformed" (success status with a body that is not JSON), "409", "422" (with <see cref="ErrorCode"/>), "400", "408",
/// "429", "fail-async" (the asynchronous operation ends in state failed), "2xx-other" (204). Operation "fetch" faults GET
/// /v2/service_instances/:id. By default the
/// instance is created before a 5xx, a timeout or a malformed answer, as a real broker that fails late would.
/// </summary>
public sealed class FaultRule
{
    /// <summary>provision, update, deprovision, last_operation, bind, unbind, fetch_binding, binding_last_operation or any.</summary>
    public string Operation { get; set; } = "provision";
    public string Kind { get; set; } = "500";
    /// <summary>How many matching requests get the fault; -1: all.</summary>
    public int Times { get; set; } = 1;
    public string? InstanceId { get; set; }
    /// <summary>Only for requests whose context carries this AGS.</summary>
    public string? Ags { get; set; }
    public int DelayMs { get; set; } = 30_000;
    public string? ErrorCode { get; set; }
    public bool CreateFirst { get; set; } = true;
    /// <summary>For an update: the change is made before the fault (a broker that applied it and then failed to answer).</summary>
    public bool ApplyFirst { get; set; }
}
