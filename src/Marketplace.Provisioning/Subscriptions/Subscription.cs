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
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
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
    /// <summary>"none" when the broker is known to hold no instance (nothing to delete on cancellation); null when it may.</summary>
    public string? BrokerInstance { get; init; }
    /// <summary>Why it failed, as a code from <see cref="FailureClasses"/>; what buyers read instead of <see cref="FailureReason"/>.</summary>
    public string? FailureClass { get; init; }
}

/// <summary>Why a subscription failed, as buyers are told (texts "Failure.&lt;class&gt;"); the raw broker answer is for vendor and platform.</summary>
public static class FailureClasses
{
    /// <summary>The broker (or the vendor, by hand) refused: retrying the same request does not help.</summary>
    public const string Rejected = "rejected";
    /// <summary>The broker could not be reached, or asked to wait, every time.</summary>
    public const string Unreachable = "unreachable";
    /// <summary>The broker answered with errors (5xx, timeouts, malformed answers) every time.</summary>
    public const string VendorError = "vendor-error";
    /// <summary>The broker accepted the order and then reported that setting it up failed (or never finished).</summary>
    public const string VendorFailed = "vendor-failed";
    /// <summary>The platform itself failed (a crash, an offering without a broker).</summary>
    public const string Platform = "platform";
    public const string Unknown = "unknown";
}

/// <summary>What is under way for a subscription that buyers should know (texts "Condition.&lt;code&gt;").</summary>
public static class SubscriptionConditions
{
    /// <summary>A deletion at the broker (cancellation, orphan mitigation) is not confirmed yet and is retried until it is.</summary>
    public const string BeingRemoved = "being-removed";
    /// <summary>The broker failed or could not be reached; the job retries with backoff.</summary>
    public const string Retrying = "retrying";
}

/// <summary>What <see cref="SubscriptionRecord.BrokerInstance"/> holds.</summary>
public static class BrokerInstances
{
    public const string None = "none";
}

/// <summary>One entry of a subscription's timeline.</summary>
public sealed class SubscriptionEvent
{
    public string SubscriptionId { get; init; } = "";
    public long Seq { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string Kind { get; init; } = "";
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public string ActorUserId { get; init; } = "";
    public string? Message { get; init; }

    public SubscriptionEvent WithoutMessage() => new()
    {
        SubscriptionId = SubscriptionId, Seq = Seq, OccurredAt = OccurredAt, Kind = Kind, FromState = FromState, ToState = ToState, ActorUserId = ActorUserId,
    };
}

/// <summary>A change waiting to become live: the plan, add-ons and configuration (protected) the broker is asked for.</summary>
public sealed record PendingChange(string PlanId, IReadOnlyList<string> AddOnIds, System.Text.Json.Nodes.JsonObject? Configuration,
    bool? Suspend = null, string? ReturnState = null);
