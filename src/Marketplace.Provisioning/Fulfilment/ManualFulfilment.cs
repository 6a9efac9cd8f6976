using Microsoft.Extensions.Options;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Fulfilment;

/// <summary>A manual task in the vendor portal: a subscription of a manual offering waiting for the vendor.</summary>
public sealed record FulfilmentTask(string SubscriptionId, string MunicipalityAgs, string OfferingId, string PlanId, string State, DateTimeOffset Since, string? Instructions);

/// <summary>
/// Fulfilment for vendors without a broker: requests, changes and cancellations of their manual offerings are
/// tasks; the vendor completes one (with dashboard URL and notes) or rejects it (with a reason). Another vendor's
/// task is not found.
/// </summary>
public sealed class ManualFulfilment(Database database, AuditTrail audit, OfferingDirectory offerings, SubscriptionWriter writer,
    IOptions<ProvisioningOptions> options)
{
    public async Task<IReadOnlyList<FulfilmentTask>> TasksAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = (await c.QueryAsync<SubscriptionRecord>(ProvisioningSql.ManualTasksOfVendor, new { vendorId })).ToList();
        var tasks = new List<FulfilmentTask>();
        foreach (var s in rows)
        {
            var offering = await offerings.GetAsync(c, null, s.OfferingId);
            tasks.Add(new FulfilmentTask(s.Id, s.MunicipalityAgs, s.OfferingId, s.PlanId, s.State, s.UpdatedAt, offering?.Descriptor.Provisioning.Instructions));
        }
        return tasks;
    }

    /// <summary>Completes the task: a request or change becomes active (suspension: suspended), a cancellation cancelled.</summary>
    public async Task CompleteAsync(string vendorId, string actingUserId, string subscriptionId, string? dashboardUrl, string? notes, CancellationToken ct = default)
    {
        if (dashboardUrl is not null && !DashboardUrls.Accepts(dashboardUrl, options.Value.AllowHttpDashboardUrls))
            throw new RequestValidationException([FieldError.Coded("dashboardUrl", "https-url", "keine gültige https-Adresse")]);
        await using var work = await Work.BeginAsync(database, audit, ct);
        var s = await TaskAsync(work, vendorId, subscriptionId);
        await writer.SetDashboardAsync(work, s.Id, dashboardUrl, notes);
        var pending = s.PendingJson is null ? null : JsonSerializer.Deserialize<PendingChange>(s.PendingJson, SubscriptionWriter.Json);
        switch (s.State)
        {
            case SubscriptionStates.Requested:
                await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Requested], SubscriptionStates.Provisioning, actingUserId, vendorId,
                    "provisioning", "Anbieter richtet ein");
                await writer.ApplyPendingAsync(work, s, pending ?? new PendingChange(s.PlanId, [], null));
                await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Provisioning], SubscriptionStates.Active, actingUserId, vendorId,
                    "activated", notes);
                break;
            case SubscriptionStates.Updating:
                await writer.ApplyPendingAsync(work, s, pending ?? new PendingChange(s.PlanId, [], null));
                await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Updating], pending?.Suspend == true ? SubscriptionStates.Suspended : SubscriptionStates.Active,
                    actingUserId, vendorId, "updated", notes);
                break;
            case SubscriptionStates.Deprovisioning:
                await writer.CloseBillingAsync(work, s.Id);
                await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Deprovisioning], SubscriptionStates.Cancelled, actingUserId, vendorId,
                    "cancelled", notes);
                break;
        }
        await work.CommitAsync(ct);
    }

    /// <summary>Rejects the task with a reason: a request fails (and can be retried), a change or cancellation is refused.</summary>
    public async Task RejectAsync(string vendorId, string actingUserId, string subscriptionId, string reason, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new RequestValidationException([FieldError.Coded("reason", "reason-missing", "Begründung fehlt")]);
        await using var work = await Work.BeginAsync(database, audit, ct);
        var s = await TaskAsync(work, vendorId, subscriptionId);
        if (s.State == SubscriptionStates.Requested)
        {
            await writer.SetFailureAsync(work, s.Id, reason, null, FailureClasses.Rejected);
            await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Requested], SubscriptionStates.Failed, actingUserId, vendorId, "rejected", reason);
        }
        else
        {
            var pending = s.PendingJson is null ? null : JsonSerializer.Deserialize<PendingChange>(s.PendingJson, SubscriptionWriter.Json);
            var back = s.State == SubscriptionStates.Deprovisioning ? SubscriptionStates.Active : pending?.ReturnState ?? SubscriptionStates.Active;
            await writer.SetPendingAsync(work, s.Id, null);
            await writer.TransitionAsync(work, s.Id, [s.State], back, actingUserId, vendorId, "rejected", reason);
        }
        await work.CommitAsync(ct);
    }

    private static async Task<SubscriptionRecord> TaskAsync(Work work, string vendorId, string subscriptionId)
    {
        var s = await work.Connection.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = subscriptionId }, work.Transaction);
        if (s is null || s.VendorId != vendorId || s.Fulfilment != Fulfilments.Manual) throw new NotFoundException("task", subscriptionId);
        if (s.State is not (SubscriptionStates.Requested or SubscriptionStates.Updating or SubscriptionStates.Deprovisioning))
            throw new ConflictException($"Das Abonnement {s.Id} ist {s.State}: nichts zu erledigen.") { Code = "fulfilment.nothing-to-do", Args = [ResourceWord.State(s.State)] };
        if (s.OrderId is not null
            && await work.Connection.ExecuteScalarAsync<string>(ProvisioningSql.OrderStateOf, new { id = s.OrderId }, work.Transaction) != Orders.OrderStates.Placed)
            throw new ConflictException($"Die Bestellung {s.OrderId} wartet auf Freigabe.") { Code = "fulfilment.order-awaits-approval" };
        return s;
    }
}
