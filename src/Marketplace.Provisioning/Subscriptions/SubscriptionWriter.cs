using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>
/// Every write to a subscription: state changes checked against the expected state, the timeline entry and the audit
/// entry, all in the caller's <see cref="Work"/>; the billing periods and setup fees billing reads.
/// </summary>
public sealed class SubscriptionWriter(TimeProvider clock)
{
    // Timestamps in job payloads keep the stored form.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new StoredTimestamp.JsonConverter() } };

    internal sealed record NewSubscription(
        string Id, string Ags, string OfferingId, string VendorId, string PlanId, IReadOnlyList<string> AddOnIds, IReadOnlyList<string> SetupFeeIds,
        string Fulfilment, JsonObject ProtectedConfig, string? OrderId, string? RolloutId, string ActorUserId, string? ActorOrgId);

    internal async Task InsertAsync(Work work, NewSubscription s)
    {
        var now = clock.GetUtcNow();
        var c = work.Connection;
        var tx = work.Transaction;
        await c.ExecuteAsync(ProvisioningSql.InsertSubscription, new
        {
            s.Id, ags = s.Ags, offering = s.OfferingId, vendor = s.VendorId, plan = s.PlanId, state = SubscriptionStates.Requested, now,
        }, tx);
        await c.ExecuteAsync(ProvisioningSql.InsertProvisioning, new
        {
            s.Id, s.OrderId, s.RolloutId, s.Fulfilment, instance = Guid.NewGuid().ToString(), config = s.ProtectedConfig.ToJsonString(),
            pending = JsonSerializer.Serialize(new PendingChange(s.PlanId, s.AddOnIds, null), Json),
        }, tx);
        foreach (var fee in s.SetupFeeIds)
            await c.ExecuteAsync(ProvisioningSql.InsertSetupFee, new { s.Id, fee }, tx);
        await AppendEventAsync(work, s.Id, "requested", null, SubscriptionStates.Requested, s.ActorUserId,
            s.RolloutId is not null ? $"Rollout {s.RolloutId}" : $"Bestellung {s.OrderId}", now);
        work.Audit(new AuditEntry(s.ActorUserId, s.ActorOrgId, "subscription.requested", "subscription", s.Id, null, new JsonObject
        {
            ["state"] = SubscriptionStates.Requested, ["municipality"] = s.Ags, ["offering"] = s.OfferingId, ["plan"] = s.PlanId,
            ["addOns"] = string.Join(",", s.AddOnIds), ["order"] = s.OrderId, ["rollout"] = s.RolloutId,
        }));
    }

    /// <summary>Many new subscriptions at once (a rollout): multi-row inserts, one audit entry each.</summary>
    internal async Task InsertManyAsync(Work work, IReadOnlyList<NewSubscription> list)
    {
        var now = clock.GetUtcNow();
        var c = work.Connection;
        var tx = work.Transaction;
        await MultiRowInsert.ExecuteAsync(c, tx, "subscriptions", ProvisioningSql.SubscriptionInsertColumns,
            list.Select(s => new object?[] { s.Id, s.Ags, s.OfferingId, s.VendorId, s.PlanId, SubscriptionStates.Requested, now, now }).ToList());
        await MultiRowInsert.ExecuteAsync(c, tx, "subscription_provisioning", ProvisioningSql.ProvisioningInsertColumns,
            list.Select(s => new object?[]
            {
                s.Id, s.OrderId, s.RolloutId, s.Fulfilment, Guid.NewGuid().ToString(), s.ProtectedConfig.ToJsonString(),
                JsonSerializer.Serialize(new PendingChange(s.PlanId, s.AddOnIds, null), Json), null, null, null, null,
            }).ToList());
        await MultiRowInsert.ExecuteAsync(c, tx, "subscription_setup_fees", ["subscription_id", "extra_id", "due_at"],
            list.SelectMany(s => s.SetupFeeIds.Select(f => new object?[] { s.Id, f, null })).ToList());
        await MultiRowInsert.ExecuteAsync(c, tx, "subscription_events", ProvisioningSql.EventInsertColumns,
            list.Select(s => new object?[] { s.Id, 1, now, "requested", null, SubscriptionStates.Requested, s.ActorUserId, $"Rollout {s.RolloutId}" }).ToList());
        foreach (var s in list)
            work.Audit(new AuditEntry(s.ActorUserId, s.ActorOrgId, "subscription.requested", "subscription", s.Id, null, new JsonObject
            {
                ["state"] = SubscriptionStates.Requested, ["municipality"] = s.Ags, ["offering"] = s.OfferingId, ["plan"] = s.PlanId,
                ["addOns"] = string.Join(",", s.AddOnIds), ["rollout"] = s.RolloutId,
            }));
    }

    /// <summary>A cancelled subscription ordered again: the same row starts over with a new broker instance id.</summary>
    internal async Task RenewAsync(Work work, NewSubscription s, string existingId)
    {
        var now = clock.GetUtcNow();
        var updated = await work.Connection.ExecuteAsync(ProvisioningSql.RenewSubscription,
            new { id = existingId, plan = s.PlanId, now, requested = SubscriptionStates.Requested, cancelled = SubscriptionStates.Cancelled }, work.Transaction);
        if (updated == 0) throw new ConflictException($"Das Abonnement {existingId} ist nicht gekündigt.") { Code = "subscription.not-cancelled" };
        await work.Connection.ExecuteAsync(ProvisioningSql.RenewProvisioning, new
        {
            id = existingId, s.OrderId, s.RolloutId, s.Fulfilment, instance = Guid.NewGuid().ToString(), config = s.ProtectedConfig.ToJsonString(),
            pending = JsonSerializer.Serialize(new PendingChange(s.PlanId, s.AddOnIds, null), Json),
        }, work.Transaction);
        await AppendEventAsync(work, existingId, "requested", SubscriptionStates.Cancelled, SubscriptionStates.Requested, s.ActorUserId,
            $"erneut bestellt (Bestellung {s.OrderId})", now);
        work.Audit(new AuditEntry(s.ActorUserId, s.ActorOrgId, "subscription.requested", "subscription", existingId,
            new JsonObject { ["state"] = SubscriptionStates.Cancelled }, new JsonObject { ["state"] = SubscriptionStates.Requested, ["plan"] = s.PlanId, ["order"] = s.OrderId }));
    }

    /// <summary>
    /// Moves a subscription from one of <paramref name="from"/> to <paramref name="to"/>; throws
    /// <see cref="ConflictException"/> when it is in another state (someone else moved it first).
    /// </summary>
    internal async Task TransitionAsync(Work work, string id, IReadOnlyCollection<string> from, string to, string actorUserId, string? actorOrgId,
        string kind, string? message, JsonObject? details = null)
    {
        var now = clock.GetUtcNow();
        string? previous = null;
        foreach (var f in from)
        {
            if (await work.Connection.ExecuteAsync(ProvisioningSql.Transition, new { id, from = f, to, now }, work.Transaction) == 1)
            {
                previous = f;
                break;
            }
        }
        if (previous is null)
        {
            var actual = await work.Connection.ExecuteScalarAsync<string?>(ProvisioningSql.StateOf, new { id }, work.Transaction);
            throw new ConflictException($"Das Abonnement {id} ist {actual ?? "nicht vorhanden"}, erwartet war {string.Join(" oder ", from)}.")
                { Code = "subscription.unexpected-state", Args = [ResourceWord.State(actual ?? "missing"), string.Join(" / ", from)] };
        }
        await AppendEventAsync(work, id, kind, previous, to, actorUserId, message, now);
        var after = details?.DeepClone().AsObject() ?? new JsonObject();
        after["state"] = to;
        if (message is not null) after["message"] = message;
        work.Audit(new AuditEntry(actorUserId, actorOrgId, "subscription." + kind, "subscription", id, new JsonObject { ["state"] = previous }, after));
    }

    /// <summary>A timeline entry that changes no state (broker accepted, orphan mitigation, retry scheduled).</summary>
    internal Task NoteAsync(Work work, string id, string kind, string actorUserId, string? message) =>
        AppendEventAsync(work, id, kind, null, null, actorUserId, message, clock.GetUtcNow());

    /// <summary>The raw reason (for the vendor and the platform) and its class (what the buyer reads); nulls clear both.</summary>
    internal Task SetFailureAsync(Work work, string id, string? reason, string? jobId, string? failureClass = null) =>
        work.Connection.ExecuteAsync(ProvisioningSql.SetFailure, new { id, reason = Cut(reason), jobId, failureClass = reason is null ? null : failureClass ?? FailureClasses.Unknown },
            work.Transaction);

    internal Task SetBrokerInstanceAsync(Work work, string id, string? value) =>
        work.Connection.ExecuteAsync(ProvisioningSql.SetBrokerInstance, new { id, value }, work.Transaction);

    internal Task SetPendingAsync(Work work, string id, PendingChange? pending) =>
        work.Connection.ExecuteAsync(ProvisioningSql.SetPending, new { id, pending = pending is null ? null : JsonSerializer.Serialize(pending, Json) }, work.Transaction);

    /// <summary>
    /// After the broker confirmed it deleted an orphan: the next provision uses a new instance id, since platforms
    /// SHOULD NOT reuse ids (OSB 2.17) and brokers may refuse a reused one.
    /// </summary>
    internal Task NewInstanceIdAsync(Work work, string id, string previous) =>
        work.Connection.ExecuteAsync(ProvisioningSql.NewInstanceId, new { id, previous, instance = Guid.NewGuid().ToString() }, work.Transaction);

    internal Task SetDashboardAsync(Work work, string id, string? dashboardUrl, string? notes) =>
        work.Connection.ExecuteAsync(ProvisioningSql.SetDashboard, new { id, dashboardUrl, notes }, work.Transaction);

    /// <summary>
    /// Makes the pending plan, add-ons and configuration live. The billable history gets a new period when plan or
    /// add-ons change (or on first activation); setup fees fall due on first activation.
    /// </summary>
    internal async Task ApplyPendingAsync(Work work, SubscriptionRecord s, PendingChange pending)
    {
        var now = clock.GetUtcNow();
        var c = work.Connection;
        var tx = work.Transaction;
        // The latest period is the open one, if any; its seq also numbers the next.
        var periods = (await c.QueryAsync<(long Seq, string PlanId, string AddonIds, DateTimeOffset? ValidTo)>(ProvisioningSql.BillingPeriods, new { id = s.Id }, tx)).ToList();
        var latest = periods.Count > 0 ? periods[0] : default;
        var open = periods.Count > 0 && latest.ValidTo is null;
        var addOns = string.Join(",", pending.AddOnIds.Order(StringComparer.Ordinal));
        if (!open || latest.PlanId != pending.PlanId || latest.AddonIds != addOns)
        {
            if (open) await c.ExecuteAsync(ProvisioningSql.CloseBillingPeriod, new { id = s.Id, now }, tx);
            await c.ExecuteAsync(ProvisioningSql.OpenPeriod, new { id = s.Id, seq = (periods.Count > 0 ? latest.Seq : 0) + 1, plan = pending.PlanId, addOns, now }, tx);
        }
        if (periods.Count == 0) await c.ExecuteAsync(ProvisioningSql.SetupFeesDue, new { id = s.Id, now }, tx);
        await c.ExecuteAsync(ProvisioningSql.ApplyPending, new
        {
            id = s.Id, plan = pending.PlanId, config = pending.Configuration?.ToJsonString(),
        }, tx);
    }

    internal Task CloseBillingAsync(Work work, string id) =>
        work.Connection.ExecuteAsync(ProvisioningSql.CloseBillingPeriod, new { id, now = clock.GetUtcNow() }, work.Transaction);

    private static Task AppendEventAsync(Work work, string id, string kind, string? from, string? to, string actor, string? message, DateTimeOffset now) =>
        work.Connection.ExecuteAsync(ProvisioningSql.InsertEvent, new { id, now, kind, from, to, actor, message = Cut(message) }, work.Transaction);

    private static string? Cut(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}
