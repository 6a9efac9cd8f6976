using System.Text.Json.Serialization;

namespace Marketplace.Billing.Metering;

/// <summary>One usage event as a vendor reports it: its own id, the subscription, the metered dimension, how many units, when.</summary>
public sealed record UsageEventInput(string EventId, string SubscriptionId, string Dimension, long Quantity, DateTimeOffset Timestamp);

/// <summary>What became of one event of a batch.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UsageEventStatus>))]
public enum UsageEventStatus
{
    /// <summary>Stored; it will be billed.</summary>
    [JsonStringEnumMemberName("accepted")] Accepted,
    /// <summary>An event with this id was already stored (earlier, in a parallel batch, or earlier in this batch); counted once.</summary>
    [JsonStringEnumMemberName("duplicate")] Duplicate,
    /// <summary>No subscription with this id to one of the vendor's own offerings.</summary>
    [JsonStringEnumMemberName("unknown_subscription")] UnknownSubscription,
    /// <summary>The dimension is not metered in the plan booked at the event's time.</summary>
    [JsonStringEnumMemberName("invalid_dimension")] InvalidDimension,
    /// <summary>Quantity not between 1 and <see cref="UsageIngestionService.MaxQuantity"/>.</summary>
    [JsonStringEnumMemberName("invalid_quantity")] InvalidQuantity,
    /// <summary>The event's month is closed (billed), lies in the future, or the subscription was not booked at that time.</summary>
    [JsonStringEnumMemberName("outside_open_period")] OutsideOpenPeriod,
}

public sealed record UsageEventResult(string EventId, UsageEventStatus Status);

/// <summary>The status of every event of a batch, in the batch's order.</summary>
public sealed record UsageBatchResult(IReadOnlyList<UsageEventResult> Events)
{
    public int Count(UsageEventStatus status) => Events.Count(e => e.Status == status);
}
