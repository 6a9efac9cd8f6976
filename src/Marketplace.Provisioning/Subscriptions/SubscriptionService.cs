using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Municipalities;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Jobs;
using Marketplace.Storage;
using Marketplace.Audit;

namespace Marketplace.Provisioning.Subscriptions;

/// <summary>A subscription as its municipality or vendor sees it (configuration without secrets) with its timeline.</summary>
public sealed record SubscriptionView(
    string Id, string MunicipalityAgs, string OfferingId, string VendorId, string PlanId, IReadOnlyList<string> AddOnIds, string State,
    string Fulfilment, string? DashboardUrl, string? Notes, string? FailureReason, string? OrderId, string? RolloutId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<SubscriptionEvent> Timeline, string? FailureClass = null, string? Condition = null, string? FailureMessage = null, string? ConditionMessage = null)
{
    /// <summary>
    /// As the buying municipality sees it: the failure's class, not the broker's raw answer, and the timeline without the
    /// platform's technical notes (which quote the broker); vendor and platform see everything.
    /// </summary>
    public SubscriptionView ForBuyer() => this with
    {
        // A vendor's own words when it rejects a manual order are meant for the buyer; a broker's raw answer is not.
        FailureReason = Fulfilment == Fulfilments.Manual ? FailureReason : null,
        Timeline = Timeline.Select(e => e.ActorUserId == SubscriptionJobHandler.SystemActor && e.Message is not null ? e.WithoutMessage() : e).ToList(),
    };
}

/// <summary>A change of a live subscription: another plan, other add-ons, or new configuration values (omitted: unchanged).</summary>
public sealed record ChangeRequest(string? PlanId, IReadOnlyList<string>? AddOnIds, JsonObject? Configuration);

/// <summary>
/// What a municipality does with its subscriptions after ordering: look at them and their timeline, change plan,
/// add-ons or configuration, suspend, resume, cancel, retry a failure. Each change goes through the same job machinery
/// as provisioning. Another municipality's subscription is not found.
/// </summary>
public sealed class SubscriptionService(Database database, AuditTrail audit, OfferingDirectory offerings, TenantConfiguration configuration,
    SubscriptionWriter writer, JobStore jobs, TimeProvider clock, MunicipalityDirectory municipalities)
{
    public async Task<SubscriptionView> GetAsync(string actingAgs, string id, CancellationToken ct = default)
    {
        var s = await LoadAsync(id, ct);
        if (s is null || s.MunicipalityAgs != actingAgs) throw new NotFoundException("subscription", id);
        return (await ViewAsync(s, ct)).ForBuyer();
    }

    public async Task<SubscriptionView> GetForVendorAsync(string vendorId, string id, CancellationToken ct = default)
    {
        var s = await LoadAsync(id, ct);
        if (s is null || s.VendorId != vendorId) throw new NotFoundException("subscription", id);
        return await ViewAsync(s, ct);
    }

    public async Task<IReadOnlyList<SubscriptionView>> ListAsync(string actingAgs, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = (await c.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfMunicipality, new { ags = actingAgs })).ToList();
        var views = new List<SubscriptionView>();
        foreach (var s in rows) views.Add((await ViewAsync(s, ct)).ForBuyer());
        return views;
    }

    /// <summary>Every subscription of the vendor's offerings, most recently changed first.</summary>
    public async Task<IReadOnlyList<SubscriptionView>> ListForVendorAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = (await c.QueryAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionsOfVendor, new { vendorId })).ToList();
        var views = new List<SubscriptionView>();
        foreach (var s in rows) views.Add(await ViewAsync(s, ct));
        return views;
    }

    /// <summary>
    /// A platform admin retries a job from the dead letter: a failed subscription goes back to where it failed, as a
    /// municipality's retry does; otherwise (a change that was rolled back) the job alone is queued again.
    /// </summary>
    public async Task RetryDeadJobAsync(string jobId, string actorUserId, string? actorOrgId, CancellationToken ct = default)
    {
        await using var work = await Work.BeginAsync(database, audit, ct);
        var job = await work.Connection.QuerySingleOrDefaultAsync<JobRecord>(ProvisioningSql.JobById, new { id = jobId }, work.Transaction)
            ?? throw new NotFoundException("job", jobId);
        if (job.State != JobStates.Dead)
            throw new ConflictException($"Der Auftrag {jobId} ist {job.State}, nicht endgültig gescheitert.") { Code = "job.not-dead", Args = [ResourceWord.State(job.State)] };
        // The subscription has moved on since (cancelled, changed, ordered again): running the old operation again would
        // act against the newer one at the broker. The dead entry is closed; there is nothing to retry.
        if (await JobStore.NewerJobAsync(work, job) is { } newer)
            throw new ConflictException($"Auftrag {jobId} ({job.Kind}) ist überholt: das Abonnement {job.SubscriptionId} hat seither den neueren " +
                $"Auftrag {newer.Id} ({newer.Kind}, {newer.State}). Ein erneuter Versuch des alten Auftrags würde gegen den neueren arbeiten; " +
                "wenn der neuere gescheitert ist, wiederholen Sie diesen.")
                { Code = "job.superseded", Args = [jobId, job.Kind, newer.Id, newer.Kind, ResourceWord.State(newer.State)] };
        var s = await work.Connection.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = job.SubscriptionId }, work.Transaction);
        if (s is { State: SubscriptionStates.Failed } && s.FailedJobId == job.Id) await RetryInAsync(work, s, actorUserId, actorOrgId);
        else await jobs.RequeueAsync(work, job, actorUserId);
        work.Audit(new AuditEntry(actorUserId, actorOrgId, "job.retry", "provisioning-job", jobId,
            new JsonObject { ["state"] = job.State, ["failures"] = job.Failures }, new JsonObject { ["state"] = JobStates.Queued }));
        await work.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<SubscriptionEvent>> TimelineAsync(string actingAgs, string id, CancellationToken ct = default) =>
        (await GetAsync(actingAgs, id, ct)).Timeline;

    /// <summary>Changes plan, add-ons and/or configuration; validated like an order; the broker gets a PATCH with previous_values.</summary>
    public async Task<SubscriptionView> ChangeAsync(string actingAgs, string actingUserId, string id, ChangeRequest change, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, id, ct);
        var offering = await offerings.GetAsync(s.OfferingId, ct) ?? throw new NotFoundException("offering", s.OfferingId);
        var planId = change.PlanId ?? s.PlanId;
        var plan = offering.Plan(planId) ?? throw new RequestValidationException([FieldError.Coded("planId", "order.unknown-plan", "unbekannter Tarif")]);
        var addOns = (change.AddOnIds ?? await CurrentAddOnsAsync(s.Id, ct)).Distinct().Order(StringComparer.Ordinal).ToList();
        var errors = addOns.Where(a => plan.AddOnList.All(x => x.Id != a)).Select(a => FieldError.Coded("addOnIds", "order.add-on-not-in-plan", $"Zusatzleistung '{a}' gehört nicht zum Tarif", a)).ToList();
        JsonObject? config = null;
        if (change.Configuration is not null)
        {
            var landCode = (await municipalities.GetAsync(actingAgs, ct))!.LandCode;
            await using var c = await database.OpenAsync(ct);
            var prepared = await configuration.PrepareAsync(c, null, offering, landCode, change.Configuration, (JsonObject)JsonNode.Parse(s.ConfigJson)!);
            errors.AddRange(prepared.Errors.Select(e => e.At("configuration")));
            config = prepared.ProtectedOwn;
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var pending = new PendingChange(planId, addOns, config, null, s.State);
        return await StartUpdateAsync(s, actingUserId, actingAgs, pending, [SubscriptionStates.Active], "change-requested", "Änderung angefordert", ct);
    }

    public async Task<SubscriptionView> SuspendAsync(string actingAgs, string actingUserId, string id, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, id, ct);
        var pending = new PendingChange(s.PlanId, await CurrentAddOnsAsync(s.Id, ct), null, Suspend: true, ReturnState: SubscriptionStates.Active);
        return await StartUpdateAsync(s, actingUserId, actingAgs, pending, [SubscriptionStates.Active], "suspend-requested", "Aussetzen angefordert", ct);
    }

    public async Task<SubscriptionView> ResumeAsync(string actingAgs, string actingUserId, string id, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, id, ct);
        var pending = new PendingChange(s.PlanId, await CurrentAddOnsAsync(s.Id, ct), null, Suspend: false, ReturnState: SubscriptionStates.Suspended);
        return await StartUpdateAsync(s, actingUserId, actingAgs, pending, [SubscriptionStates.Suspended], "resume-requested", "Fortsetzen angefordert", ct);
    }

    /// <summary>
    /// Cancels: billing ends at once, and the broker deletes the instance (DELETE). A failed subscription whose broker
    /// never created an instance (it refused, or confirmed the deletion) ends at once, without a DELETE.
    /// </summary>
    public async Task<SubscriptionView> CancelAsync(string actingAgs, string actingUserId, string id, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, id, ct);
        await using var work = await Work.BeginAsync(database, audit, ct);
        if (s is { State: SubscriptionStates.Failed, Fulfilment: Fulfilments.Broker, BrokerInstance: BrokerInstances.None })
        {
            await writer.CloseBillingAsync(work, s.Id);
            await writer.SetFailureAsync(work, s.Id, null, null);
            await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Failed], SubscriptionStates.Cancelled, actingUserId, actingAgs, "cancelled",
                "Gekündigt; beim Anbieter war nichts eingerichtet");
            await work.CommitAsync(ct);
            return await GetAsync(actingAgs, id, ct);
        }
        await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Active, SubscriptionStates.Suspended, SubscriptionStates.Failed],
            SubscriptionStates.Deprovisioning, actingUserId, actingAgs, "cancel-requested", "Kündigung angefordert");
        // A cancellation takes effect at once (no notice period, no minimum term): nothing is charged from now on, however
        // long the vendor takes to confirm the deletion. This is also how a municipality that objected to a change of
        // sub-processors leaves before it takes effect (Art. 28(2) GDPR). Usage after now is refused as outside the booking.
        await writer.CloseBillingAsync(work, s.Id);
        await new OperationStarter(jobs).StartAsync(work, s.Id, s.VendorId, s.Fulfilment, JobKinds.Deprovision, actingUserId);
        // The deprovisioning job deletes the subscription's bindings at the broker first, then the instance.
        await work.Exec(Bindings.BindingSql.DeletingAllOf, new { subscriptionId = s.Id, now = clock.GetUtcNow() });
        await work.CommitAsync(ct);
        return await GetAsync(actingAgs, id, ct);
    }

    /// <summary>Retries a failed subscription: the failed job runs again from where it stopped, with fresh retries.</summary>
    public async Task<SubscriptionView> RetryAsync(string actingAgs, string actingUserId, string id, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, id, ct);
        await using var work = await Work.BeginAsync(database, audit, ct);
        await RetryInAsync(work, s, actingUserId, actingAgs);
        await work.CommitAsync(ct);
        return await GetAsync(actingAgs, id, ct);
    }

    internal async Task RetryInAsync(Work work, SubscriptionRecord s, string actorUserId, string? actorOrgId)
    {
        if (s.State != SubscriptionStates.Failed)
            throw new ConflictException($"Das Abonnement {s.Id} ist {s.State}, nicht gescheitert.") { Code = "subscription.not-failed", Args = [ResourceWord.State(s.State)] };
        JobRecord? job = s.FailedJobId is null ? null
            : await work.Connection.QuerySingleOrDefaultAsync<JobRecord>(ProvisioningSql.JobById, new { id = s.FailedJobId }, work.Transaction);
        var back = job?.Kind switch
        {
            JobKinds.Deprovision => SubscriptionStates.Deprovisioning,
            JobKinds.Update => SubscriptionStates.Updating,
            _ => SubscriptionStates.Requested,
        };
        await writer.SetFailureAsync(work, s.Id, null, null);
        await writer.TransitionAsync(work, s.Id, [SubscriptionStates.Failed], back, actorUserId, actorOrgId, "retry", "erneuter Versuch");
        if (job is not null && await jobs.RequeueAsync(work, job, actorUserId)) return;
        // No job to requeue (manual fulfilment, or a failure before any job): start the operation afresh.
        await new OperationStarter(jobs).StartAsync(work, s.Id, s.VendorId, s.Fulfilment,
            back == SubscriptionStates.Deprovisioning ? JobKinds.Deprovision : JobKinds.Provision, actorUserId);
    }

    private async Task<SubscriptionView> StartUpdateAsync(SubscriptionRecord s, string actingUserId, string actingAgs, PendingChange pending,
        IReadOnlyCollection<string> from, string kind, string message, CancellationToken ct)
    {
        await using var work = await Work.BeginAsync(database, audit, ct);
        await writer.TransitionAsync(work, s.Id, from, SubscriptionStates.Updating, actingUserId, actingAgs, kind, message,
            new JsonObject { ["plan"] = pending.PlanId, ["addOns"] = string.Join(",", pending.AddOnIds), ["configurationChanged"] = pending.Configuration is not null });
        await writer.SetPendingAsync(work, s.Id, pending);
        await new OperationStarter(jobs).StartAsync(work, s.Id, s.VendorId, s.Fulfilment, JobKinds.Update, actingUserId);
        await work.CommitAsync(ct);
        return await GetAsync(actingAgs, s.Id, ct);
    }

    private async Task<SubscriptionRecord> OwnedAsync(string actingAgs, string id, CancellationToken ct)
    {
        var s = await LoadAsync(id, ct);
        return s is null || s.MunicipalityAgs != actingAgs ? throw new NotFoundException("subscription", id) : s;
    }

    private async Task<SubscriptionRecord?> LoadAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id });
    }

    private async Task<IReadOnlyList<string>> CurrentAddOnsAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var open = await c.ExecuteScalarAsync<string?>(ProvisioningSql.CurrentAddOns, new { id });
        return open?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
    }

    private async Task<SubscriptionView> ViewAsync(SubscriptionRecord s, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var timeline = (await c.QueryAsync<SubscriptionEvent>(ProvisioningSql.Timeline, new { id = s.Id })).ToList();
        var open = await c.ExecuteScalarAsync<string?>(ProvisioningSql.CurrentAddOns, new { id = s.Id });
        var addOns = open is not null ? open.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : s.PendingJson is null ? [] : JsonSerializer.Deserialize<PendingChange>(s.PendingJson, SubscriptionWriter.Json)!.AddOnIds;
        var live = await c.QuerySingleOrDefaultAsync<(string Kind, string Phase, long Failures)?>(ProvisioningSql.LiveJobOf, new { id = s.Id });
        var condition = live switch
        {
            { Kind: JobKinds.Deprovision } or { Phase: Phases.Mitigate or Phases.MitigatePoll } => SubscriptionConditions.BeingRemoved,
            { Failures: > 0 } => SubscriptionConditions.Retrying,
            _ => null,
        };
        return new SubscriptionView(s.Id, s.MunicipalityAgs, s.OfferingId, s.VendorId, s.PlanId, addOns.ToList(), s.State, s.Fulfilment, s.DashboardUrl,
            s.Notes, s.FailureReason, s.OrderId, s.RolloutId, s.CreatedAt, s.UpdatedAt, timeline,
            s.State == SubscriptionStates.Failed ? s.FailureClass ?? FailureClasses.Unknown : null, condition);
    }
}
