namespace Marketplace.Provisioning.Subscriptions;

/// <summary>The states of a subscription; every change goes through the job machinery and appends to the timeline.</summary>
public static class SubscriptionStates
{
    public const string Requested = "requested";
    public const string Provisioning = "provisioning";
    public const string Active = "active";
    public const string Updating = "updating";
    public const string Suspended = "suspended";
    public const string Deprovisioning = "deprovisioning";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Requested, Provisioning, Active, Updating, Suspended, Deprovisioning, Cancelled, Failed];
}

/// <summary>How a subscription is fulfilled: by the vendor's Open Service Broker, or by hand in the vendor portal.</summary>
public static class Fulfilments
{
    public const string Broker = "osb";
    public const string Manual = "manual";
}

/// <summary>A subscription with its provisioning details, as stored (configuration with secrets protected).</summary>
public sealed class SubscriptionRecord
{
    public string Id { get; init; } = "";
    public string MunicipalityAgs { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public string VendorId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string State { get; init; } = "";
    public string CreatedAt { get; init; } = "";
    public string UpdatedAt { get; init; } = "";
    public string? OrderId { get; init; }
    public string? RolloutId { get; init; }
    public string Fulfilment { get; init; } = "";
    public string InstanceId { get; init; } = "";
    public string ConfigJson { get; init; } = "{}";
    public string? PendingJson { get; init; }
    public string? DashboardUrl { get; init; }
    public string? Notes { get; init; }
    public string? FailureReason { get; init; }
    public string? FailedJobId { get; init; }
}

/// <summary>One entry of a subscription's timeline.</summary>
public sealed class SubscriptionEvent
{
    public string SubscriptionId { get; init; } = "";
    public long Seq { get; init; }
    public string OccurredAt { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public string ActorUserId { get; init; } = "";
    public string? Message { get; init; }
}

/// <summary>A change waiting to become live: the plan, add-ons and configuration (protected) the broker is asked for.</summary>
public sealed record PendingChange(string PlanId, IReadOnlyList<string> AddOnIds, System.Text.Json.Nodes.JsonObject? Configuration,
    bool? Suspend = null, string? ReturnState = null);
