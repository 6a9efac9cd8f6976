using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Municipalities;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Reconciliation;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Jobs;

/// <summary>What a job carries between its runs: who asked, the broker's operation being polled, and what follows orphan mitigation.</summary>
/// <remarks>FailuresBeforeCleanup: the job's failures when orphan mitigation began to fail; provisioning goes on from there once the deletion is confirmed.</remarks>
/// <remarks>BindingId: the service binding a bind or unbind job (or a cancellation's unbinding step) acts on.</remarks>
internal sealed record OperationPayload(string ActorUserId, string? Operation = null, DateTimeOffset? PollDeadline = null, string? AfterMitigation = null,
    string? Reason = null, long? FailuresBeforeCleanup = null, string? BindingId = null)
{
    public const string RetryAfterMitigation = "retry";
    public const string FailAfterMitigation = "fail";

    public string ToJson() => JsonSerializer.Serialize(this, SubscriptionWriter.Json);
    public static OperationPayload Parse(string json) => JsonSerializer.Deserialize<OperationPayload>(json, SubscriptionWriter.Json)!;
}

/// <summary>Job phases: the broker call itself, polling its operation, and orphan mitigation (delete, then poll the delete).</summary>
internal static class Phases
{
    public const string Request = "request";
    public const string Poll = "poll";
    public const string Mitigate = "mitigate";
    public const string MitigatePoll = "mitigate-poll";
    /// <summary>Fetching an asynchronously created binding's credentials (GET binding).</summary>
    public const string Fetch = "fetch";
    /// <summary>A cancellation polls the deletion of one of the subscription's bindings before it deletes the instance.</summary>
    public const string UnbindPoll = "unbind-poll";
}

/// <summary>
/// Runs one phase of a provision, update or deprovision job against the vendor's broker and turns the answer,
/// interpreted by <see cref="OsbSpec"/>, into the subscription's next state and the job's next step.
/// </summary>
internal sealed partial class SubscriptionJobHandler(
    Database database, OsbClient osb, BrokerRegistry brokers, BrokerCatalogs catalogs, OfferingDirectory offerings, ConfigSecrets secrets,
    MunicipalityDirectory municipalities, OrganisationStore organisations, TenantAccess access, SubscriptionWriter writer, InstanceFetcher fetcher,
    ReconciliationFindings findings, JobStore jobs, TimeProvider clock, IOptions<ProvisioningOptions> options)
{
    public const string SystemActor = "system:provisioning";
    private readonly ProvisioningOptions _options = options.Value;

    private sealed record Target(SubscriptionRecord Subscription, OfferingInfo Offering, BrokerEndpoint Broker, string ServiceId, string PlanId,
        OperationPayload Payload, OriginatingIdentity Identity, MunicipalityInfo? Municipality, IReadOnlyList<LandDefault> LandDefaults)
    {
        public string Id => Subscription.Id;
        public string PlanOsbId(string planId) => Offering.Descriptor.Provisioning.PlanIds?.GetValueOrDefault(planId) ?? planId;
    }

    public async Task<JobResult> RunAsync(ClaimedJob claimed, CancellationToken ct)
    {
        var job = claimed.Job;
        Target target;
        // Everything a run needs, read on one connection before the broker call.
        await using (var c = await database.OpenAsync(ct))
        {
            var subscription = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = job.SubscriptionId });
            if (subscription is null) return new JobResult.Failed("subscription no longer exists");
            var offering = await offerings.GetAsync(c, null, subscription.OfferingId);
            if (offering?.Descriptor.Provisioning is not { Type: "osb", ServiceId: { } serviceId } provisioning
                || await brokers.EndpointAsync(c, offering.VendorId, provisioning) is not { } endpoint)
                return new JobResult.Failed("offering has no broker") { Effects = w => Fail(w, subscription, "offering has no broker", job.Id, FailureClasses.Platform) };
            // Municipality and Land defaults make up the request body, and what an update is compared with at the broker
            // when it fails; polls of provisions and deletions do without them.
            MunicipalityInfo? municipality = null;
            IReadOnlyList<LandDefault> defaults = [];
            if (job.Phase == Phases.Request && job.Kind != JobKinds.Deprovision || job.Kind == JobKinds.Update)
            {
                municipality = await municipalities.GetAsync(subscription.MunicipalityAgs, ct)
                    ?? throw new InvalidOperationException($"municipality {subscription.MunicipalityAgs} is not in the directory");
                defaults = await LandDefaults.ForAsync(c, null, subscription.OfferingId, municipality.LandCode);
            }
            var payload = OperationPayload.Parse(job.PayloadJson);
            var broker = endpoint with { ApiVersion = OsbClient.ApiVersionOf(offering.Descriptor) };
            target = new Target(subscription, offering, broker, serviceId,
                offering.Descriptor.Provisioning.PlanIds?.GetValueOrDefault(subscription.PlanId) ?? subscription.PlanId, payload,
                new OriginatingIdentity(_options.Platform, payload.ActorUserId), municipality, defaults);
        }
        return (job.Kind, job.Phase) switch
        {
            (JobKinds.Provision, Phases.Request) => await ProvisionAsync(target, claimed, ct),
            (JobKinds.Provision, Phases.Poll) => await PollProvisionAsync(target, claimed, ct),
            (JobKinds.Provision, Phases.Mitigate) => await MitigateAsync(target, claimed, ct),
            (JobKinds.Provision, Phases.MitigatePoll) => await PollMitigationAsync(target, claimed, ct),
            (JobKinds.Update, Phases.Request) => await UpdateAsync(target, claimed, ct),
            (JobKinds.Update, Phases.Poll) => await PollUpdateAsync(target, claimed, ct),
            (JobKinds.Deprovision, Phases.Request) => await DeprovisionAsync(target, claimed, ct),
            (JobKinds.Deprovision, Phases.Poll) => await PollDeprovisionAsync(target, claimed, ct),
            (JobKinds.Deprovision, Phases.UnbindPoll) => await PollCancellationUnbindAsync(target, claimed, ct),
            (JobKinds.Bind, _) => await RunBindAsync(target, claimed, ct),
            (JobKinds.Unbind, _) => await RunUnbindAsync(target, claimed, ct),
            _ => new JobResult.Failed($"unknown job {job.Kind}/{job.Phase}"),
        };
    }

    /// <summary>
    /// True when the subscription's rollout was started by a bundling organisation that no longer holds an ordering
    /// delegation from the municipality (revoked or narrowed since): its pending work must not go on.
    /// </summary>
    private async Task<bool> DelegationLapsedAsync(string rolloutId, string ags, CancellationToken ct)
    {
        string? organisationId;
        await using (var c = await database.OpenAsync(ct))
            organisationId = await c.ExecuteScalarAsync<string?>(new CommandDefinition(ProvisioningSql.RolloutOrganisation, new { id = rolloutId }, cancellationToken: ct));
        return organisationId is not null && await organisations.GetAsync(organisationId, ct) is { IsBundler: true }
            && !(await access.DelegatedPermissionsAsync(organisationId, ags, ct)).HasFlag(MunicipalityPermission.Order);
    }

    /// <summary>A job that died of an exception (not a broker answer) marks its subscription failed, so the municipality sees it.</summary>
    public JobEffects OnCrashDead(ClaimedJob claimed, string reason) => claimed.Job.Kind is JobKinds.Bind or JobKinds.Unbind ? OnBindingCrashDead(claimed, reason) : async w =>
    {
        var s = await w.Connection.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = claimed.Job.SubscriptionId }, w.Transaction);
        if (s is not null && s.State is not (SubscriptionStates.Failed or SubscriptionStates.Cancelled or SubscriptionStates.Active))
            await Fail(w, s, reason, claimed.Id, FailureClasses.Platform);
    };

    // ---- Provisioning ----

    private async Task<JobResult> ProvisionAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (t.Subscription.State is not (SubscriptionStates.Requested or SubscriptionStates.Provisioning))
            return new JobResult.Done($"nothing to provision: subscription is {t.Subscription.State}");
        // A bundler's rollout acts on the municipality's delegation: checked now, not only when the rollout was started.
        if (t.Subscription is { State: SubscriptionStates.Requested, RolloutId: { } rolloutId } && await DelegationLapsedAsync(rolloutId, t.Subscription.MunicipalityAgs, ct))
            return new JobResult.Done("delegation revoked: not provisioned")
            {
                Effects = w => writer.TransitionAsync(w, t.Id, [SubscriptionStates.Requested], SubscriptionStates.Cancelled, SystemActor, null, "delegation-revoked",
                    "Nicht eingerichtet: die Gemeinde hat die Delegation an die bündelnde Stelle widerrufen"),
            };
        var ags = t.Subscription.MunicipalityAgs;
        var request = new ProvisionRequest(t.ServiceId, t.PlanId, Parameters(t, null), Context(t, false),
            PlatformIdentifiers.OrganizationGuid(ags), PlatformIdentifiers.SpaceGuid(ags));
        var response = await osb.ProvisionAsync(t.Broker, t.Subscription.InstanceId, request, t.Identity, ct);
        var answer = OsbSpec.Provision(response);
        var detail = $"PUT {response} [{response.RequestIdentity}]";
        switch (answer.Kind)
        {
            case AnswerKind.Succeeded:
                return new JobResult.Done(detail) { Effects = w => ActivateAsync(w, t, Dashboard(answer.DashboardUrl), "provisioned synchronously") };
            case AnswerKind.Accepted:
                var payload = t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) };
                return new JobResult.Continue(detail, Phases.Poll, payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true)
                {
                    Effects = async w =>
                    {
                        var note = $"Broker arbeitet asynchron (operation {answer.Operation ?? "-"})";
                        if (t.Subscription.State == SubscriptionStates.Requested) await StartProvisioningAsync(w, t, note);
                        else await writer.NoteAsync(w, t.Id, "broker-accepted", SystemActor, note);
                        if (Dashboard(answer.DashboardUrl) is { } dashboard) await writer.SetDashboardAsync(w, t.Id, dashboard, null);
                    },
                };
            case AnswerKind.RetryLater:
                return new JobResult.Retry(answer.Reason)
                {
                    Effects = w => writer.NoteAsync(w, t.Id, "retry-scheduled", SystemActor, answer.Reason),
                    OnDead = w => FailFromAnyAsync(w, t, answer.Reason, claimed.Id, FailureClasses.Unreachable),
                };
            case AnswerKind.OrphanMitigation:
                return await AfterUnclearProvisionAsync(t, request, answer.Reason, detail, ct);
            default:
                // A definitive refusal created nothing: a cancellation then has nothing to delete.
                return new JobResult.Failed(answer.Reason)
                {
                    Effects = async w =>
                    {
                        await writer.SetBrokerInstanceAsync(w, t.Id, BrokerInstances.None);
                        await FailFromAnyAsync(w, t, answer.Reason, claimed.Id, FailureClasses.Rejected);
                    },
                };
        }
    }

    private async Task<JobResult> PollProvisionAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        var response = await osb.LastOperationAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: false);
        var detail = $"GET last_operation {response}";
        switch (answer.Kind)
        {
            case AnswerKind.Succeeded:
                return new JobResult.Done(detail) { Effects = w => ActivateAsync(w, t, null, answer.Reason) };
            case AnswerKind.OperationFailed:
                // A failed asynchronous provision may leave parts behind: orphan mitigation, then the subscription fails.
                return Mitigate(t, $"Bereitstellung fehlgeschlagen: {answer.Reason}", OperationPayload.FailAfterMitigation, detail);
            default:
                if (PollingExpired(t))
                    return Mitigate(t, "maximale Abfragedauer überschritten", OperationPayload.FailAfterMitigation, detail);
                return new JobResult.Continue(detail, Phases.Poll, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true);
        }
    }

    private JobResult Mitigate(Target t, string reason, string after, string detail) =>
        new JobResult.Continue(detail, Phases.Mitigate, (t.Payload with { AfterMitigation = after, Reason = reason, Operation = null }).ToJson(),
            clock.GetUtcNow(), HoldsSlot: true)
        {
            Effects = async w =>
            {
                await StartProvisioningAsync(w, t);
                await writer.SetBrokerInstanceAsync(w, t.Id, null);
                await writer.NoteAsync(w, t.Id, "orphan-mitigation", SystemActor, $"{reason} – Instanz wird beim Broker gelöscht");
            },
        };

    private async Task<JobResult> MitigateAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        var response = await osb.DeprovisionAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Identity, ct);
        var answer = OsbSpec.Deprovision(response);
        var detail = $"DELETE (orphan mitigation) {response}";
        return answer.Kind switch
        {
            // 410: the broker never had the instance (a timed-out PUT may still arrive): ask again with the same id, which
            // the broker then recognises. Any real deletion means a new id.
            AnswerKind.Succeeded => Mitigated(t, claimed, detail, newInstanceId: !response.Is(System.Net.HttpStatusCode.Gone)),
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.MitigatePoll,
                (t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(),
                NextPoll(answer.RetryAfter), HoldsSlot: true),
            // Keep deleting until the broker confirms: an instance the platform does not know must not stay behind.
            _ => UntilConfirmed(t, claimed, $"orphan mitigation: {answer.Reason}", Phases.Mitigate),
        };
    }

    private async Task<JobResult> PollMitigationAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        var response = await osb.LastOperationAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: true);
        var detail = $"GET last_operation (orphan mitigation) {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => Mitigated(t, claimed, detail, newInstanceId: true),
            AnswerKind.OperationFailed => UntilConfirmed(t, claimed, $"orphan mitigation failed: {answer.Reason}", Phases.Mitigate),
            _ when PollingExpired(t) => UntilConfirmed(t, claimed, "orphan mitigation: maximum polling duration reached", Phases.Mitigate),
            _ => new JobResult.Continue(detail, Phases.MitigatePoll, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
        };
    }

    /// <summary>The broker holds nothing any more: provision again (with backoff) or end in failed, as the cause decides.</summary>
    private JobResult Mitigated(Target t, ClaimedJob claimed, string detail, bool newInstanceId)
    {
        var reason = t.Payload.Reason ?? "Bereitstellung fehlgeschlagen";
        var clean = new OperationPayload(t.Payload.ActorUserId);
        if (t.Payload.AfterMitigation == OperationPayload.FailAfterMitigation)
            return new JobResult.Failed(reason)
            {
                Effects = async w =>
                {
                    if (newInstanceId) await writer.NewInstanceIdAsync(w, t.Id, t.Subscription.InstanceId);
                    await writer.SetBrokerInstanceAsync(w, t.Id, BrokerInstances.None);
                    await FailFromAnyAsync(w, t, reason, claimed.Id, FailureClasses.VendorFailed);
                },
            };
        // The deletion's own retries do not count against provisioning: it goes on with the failures it had before.
        return new JobResult.Retry(reason, Phases.Request, clean.ToJson())
        {
            FailuresBefore = t.Payload.FailuresBeforeCleanup,
            Effects = async w =>
            {
                if (newInstanceId) await writer.NewInstanceIdAsync(w, t.Id, t.Subscription.InstanceId);
                await writer.NoteAsync(w, t.Id, "orphan-mitigated", SystemActor,
                    newInstanceId ? "Broker hat die Instanz gelöscht; neuer Versuch folgt mit neuer Instanz-ID" : "Broker hat keine Instanz; neuer Versuch folgt");
            },
            OnDead = w => FailFromAnyAsync(w, t, reason, claimed.Id, FailureClasses.VendorError),
        };
    }

    private async Task StartProvisioningAsync(Work w, Target t, string message = "Bereitstellung beim Broker angefordert")
    {
        if (t.Subscription.State == SubscriptionStates.Requested)
            await writer.TransitionAsync(w, t.Id, [SubscriptionStates.Requested], SubscriptionStates.Provisioning, SystemActor, null, "provisioning", message);
    }

    /// <summary>The broker's dashboard link if it is one a municipality may be sent to; a javascript: or plain-http link is dropped.</summary>
    private string? Dashboard(string? url) => DashboardUrls.Accepts(url, _options.AllowHttpDashboardUrls) ? url : null;

    private async Task ActivateAsync(Work w, Target t, string? dashboardUrl, string message)
    {
        await StartProvisioningAsync(w, t);
        var pending = Pending(t.Subscription) ?? new PendingChange(t.Subscription.PlanId, [], null);
        await writer.ApplyPendingAsync(w, t.Subscription, pending);
        if (dashboardUrl is not null) await writer.SetDashboardAsync(w, t.Id, dashboardUrl, null);
        if (t.Subscription.FailureReason is not null) await writer.SetFailureAsync(w, t.Id, null, null);
        await writer.TransitionAsync(w, t.Id, [SubscriptionStates.Provisioning], SubscriptionStates.Active, SystemActor, null, "activated", message,
            new JsonObject { ["plan"] = pending.PlanId, ["addOns"] = string.Join(",", pending.AddOnIds) });
    }

    private async Task FailFromAnyAsync(Work w, Target t, string reason, string jobId, string failureClass) =>
        await Fail(w, t.Subscription, reason, jobId, failureClass);

    private async Task Fail(Work w, SubscriptionRecord s, string reason, string jobId, string failureClass)
    {
        await writer.SetFailureAsync(w, s.Id, reason, jobId, failureClass);
        await writer.TransitionAsync(w, s.Id, [SubscriptionStates.Requested, SubscriptionStates.Provisioning, SubscriptionStates.Updating,
            SubscriptionStates.Deprovisioning], SubscriptionStates.Failed, SystemActor, null, "failed", reason);
    }

    // ---- Updates (plan, add-ons, configuration, suspension) ----

    private async Task<JobResult> UpdateAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (t.Subscription.State != SubscriptionStates.Updating || Pending(t.Subscription) is not { } pending)
            return new JobResult.Done($"nothing to update: subscription is {t.Subscription.State}");
        var suspend = pending.Suspend ?? pending.ReturnState == SubscriptionStates.Suspended;
        var request = new UpdateRequest(t.ServiceId, t.PlanOsbId(pending.PlanId), Parameters(t, pending.Configuration),
            Context(t, suspend), t.PlanId);
        var response = await osb.UpdateAsync(t.Broker, t.Subscription.InstanceId, request, t.Identity, ct);
        var answer = OsbSpec.Update(response);
        var detail = $"PATCH {response} [{response.RequestIdentity}]";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => new JobResult.Done(detail) { Effects = w => ApplyUpdateAsync(w, t, pending, "Änderung übernommen") },
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.Poll,
                (t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(),
                NextPoll(answer.RetryAfter), HoldsSlot: true)
            {
                Effects = w => writer.NoteAsync(w, t.Id, "broker-accepted", SystemActor, $"Broker ändert asynchron (operation {answer.Operation ?? "-"})"),
            },
            // Retries exhausted, or refused: the broker is asked what it now holds before the platform reverts.
            AnswerKind.RetryLater when claimed.LastChance => await AfterFailedUpdateAsync(t, pending, answer.Reason, detail,
                revert => new JobResult.Retry(answer.Reason) { OnDead = revert }, ct),
            AnswerKind.RetryLater => new JobResult.Retry(answer.Reason) { OnDead = w => RevertUpdateAsync(w, t, pending, answer.Reason) },
            _ => await AfterFailedUpdateAsync(t, pending, answer.Reason, detail, revert => new JobResult.Failed(answer.Reason) { Effects = revert }, ct),
        };
    }

    private async Task<JobResult> PollUpdateAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (Pending(t.Subscription) is not { } pending) return new JobResult.Done("no pending change");
        var response = await osb.LastOperationAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: false);
        var detail = $"GET last_operation {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => new JobResult.Done(detail) { Effects = w => ApplyUpdateAsync(w, t, pending, "Änderung übernommen") },
            AnswerKind.OperationFailed => await AfterFailedUpdateAsync(t, pending, answer.Reason, detail,
                revert => new JobResult.Failed(answer.Reason) { Effects = revert }, ct),
            _ when PollingExpired(t) => await AfterFailedUpdateAsync(t, pending, "maximale Abfragedauer überschritten", detail,
                revert => new JobResult.Failed("maximale Abfragedauer überschritten") { Effects = revert }, ct),
            _ => new JobResult.Continue(detail, Phases.Poll, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
        };
    }

    private async Task ApplyUpdateAsync(Work w, Target t, PendingChange pending, string message)
    {
        await writer.ApplyPendingAsync(w, t.Subscription, pending);
        var to = pending.Suspend switch
        {
            true => SubscriptionStates.Suspended,
            false => SubscriptionStates.Active,
            null => pending.ReturnState ?? SubscriptionStates.Active,
        };
        await writer.TransitionAsync(w, t.Id, [SubscriptionStates.Updating], to, SystemActor, null,
            pending.Suspend switch { true => "suspended", false => "resumed", null => "updated" }, message,
            new JsonObject { ["plan"] = pending.PlanId, ["addOns"] = string.Join(",", pending.AddOnIds) });
    }

    /// <summary>
    /// A failed or timed-out update, where the broker's catalogue declares instances_retrievable: the instance is fetched.
    /// If the broker holds the new configuration after all, it is adopted (the update is done); otherwise the platform
    /// reverts, and the timeline records what the broker holds (the old configuration, something else, or nothing).
    /// <paramref name="failed"/> builds the job's end from the revert's effects.
    /// </summary>
    private async Task<JobResult> AfterFailedUpdateAsync(Target t, PendingChange pending, string reason, string detail,
        Func<JobEffects, JobResult> failed, CancellationToken ct)
    {
        var fetched = await fetcher.FetchIfRetrievableAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Identity, ct);
        if (fetched is null) return failed(w => RevertUpdateAsync(w, t, pending, reason));
        var before = new ExpectedInstance(t.PlanId, Parameters(t, null));
        var after = new ExpectedInstance(t.PlanOsbId(pending.PlanId), Parameters(t, pending.Configuration));
        var seen = InstanceComparison.Describe(fetched);
        if (fetched is { Outcome: FetchOutcome.Found, Instance: { } instance } && InstanceComparison.Matches(instance, after) && !InstanceComparison.Matches(instance, before))
            return new JobResult.Done($"{detail}; {fetched.Detail}")
            {
                Effects = async w =>
                {
                    await writer.NoteAsync(w, t.Id, "broker-fetched", SystemActor, $"{seen} – die Änderung ist dort übernommen; der Marktplatz übernimmt sie auch ({reason})");
                    if (Dashboard(instance.DashboardUrl) is { } dashboard && dashboard != t.Subscription.DashboardUrl)
                        await writer.SetDashboardAsync(w, t.Id, dashboard, t.Subscription.Notes);
                    await ApplyUpdateAsync(w, t, pending, "Änderung übernommen (vom Anbieter bestätigt)");
                },
            };
        var keptOld = fetched is { Outcome: FetchOutcome.Found, Instance: { } old } && InstanceComparison.Matches(old, before);
        var message = keptOld ? $"{seen} – der Anbieter hat weiterhin die bisherige Konfiguration" : seen;
        return failed(async w =>
        {
            await writer.NoteAsync(w, t.Id, "broker-fetched", SystemActor, message);
            await RevertUpdateAsync(w, t, pending, reason);
            // Neither the old nor the new configuration (or no instance at all): a mismatch the vendor and the platform must see.
            if (!keptOld)
                await findings.RecordAsync(w, t.Subscription, InstanceComparison.Compare(fetched, before), fetched.Detail, FindingSources.AfterUpdate, complete: false);
        });
    }

    /// <summary>
    /// An unclear provision (timeout, broker error, malformed answer), where the broker's catalogue declares
    /// instances_retrievable: the instance is fetched and what the broker holds goes on the timeline. An instance that is
    /// there exactly as requested is adopted; anything else is cleaned up by orphan mitigation as before.
    /// </summary>
    private async Task<JobResult> AfterUnclearProvisionAsync(Target t, ProvisionRequest request, string reason, string detail, CancellationToken ct)
    {
        var mitigate = Mitigate(t, reason, OperationPayload.RetryAfterMitigation, detail);
        var fetched = await fetcher.FetchIfRetrievableAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Identity, ct);
        if (fetched is null) return mitigate;
        var seen = InstanceComparison.Describe(fetched);
        if (fetched is { Outcome: FetchOutcome.Found, Instance: { } instance } && (instance.ServiceId is null || instance.ServiceId == t.ServiceId)
            && InstanceComparison.Matches(instance, new ExpectedInstance(request.PlanId, request.Parameters)))
            return new JobResult.Done($"{detail}; {fetched.Detail}")
            {
                Effects = async w =>
                {
                    await writer.NoteAsync(w, t.Id, "broker-fetched", SystemActor, $"{seen} – die Instanz ist wie bestellt eingerichtet ({reason})");
                    await ActivateAsync(w, t, Dashboard(instance.DashboardUrl), "eingerichtet (vom Anbieter bestätigt)");
                },
            };
        return mitigate with
        {
            Effects = async w =>
            {
                await writer.NoteAsync(w, t.Id, "broker-fetched", SystemActor, seen);
                await mitigate.Effects!(w);
            },
        };
    }

    /// <summary>An update the broker refused leaves the instance as it was: back to the state before, the reason on the timeline.</summary>
    private async Task RevertUpdateAsync(Work w, Target t, PendingChange pending, string reason)
    {
        await writer.SetPendingAsync(w, t.Id, null);
        var back = pending.ReturnState ?? SubscriptionStates.Active;
        await writer.TransitionAsync(w, t.Id, [SubscriptionStates.Updating], back, SystemActor, null, "update-rejected", $"Änderung abgelehnt: {reason}");
    }

    // ---- Deprovisioning ----

    private async Task<JobResult> DeprovisionAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (t.Subscription.State != SubscriptionStates.Deprovisioning)
            return new JobResult.Done($"nothing to deprovision: subscription is {t.Subscription.State}");
        // The specification: a platform deletes all bindings of an instance before it deprovisions the instance.
        if (await UnbindBeforeDeprovisionAsync(t, claimed, ct) is { } unbinding) return unbinding;
        var response = await osb.DeprovisionAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Identity, ct);
        var answer = OsbSpec.Deprovision(response);
        var detail = $"DELETE {response} [{response.RequestIdentity}]";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => new JobResult.Done(detail) { Effects = w => CancelAsync(w, t, answer.Reason) },
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.Poll,
                (t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(),
                NextPoll(answer.RetryAfter), HoldsSlot: true)
            {
                Effects = w => writer.NoteAsync(w, t.Id, "broker-accepted", SystemActor, $"Broker löscht asynchron (operation {answer.Operation ?? "-"})"),
            },
            // A refusal or an error: the instance is still there, so the deletion is asked for again until the broker confirms.
            _ => UntilConfirmed(t, claimed, answer.Reason, Phases.Request),
        };
    }

    private async Task<JobResult> PollDeprovisionAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        var response = await osb.LastOperationAsync(t.Broker, t.Subscription.InstanceId, t.ServiceId, t.PlanId, t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: true);
        var detail = $"GET last_operation {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => new JobResult.Done(detail) { Effects = w => CancelAsync(w, t, answer.Reason) },
            // A failed deprovision is retried: the instance must not stay behind (orphan mitigation).
            AnswerKind.OperationFailed => UntilConfirmed(t, claimed, $"Löschen fehlgeschlagen: {answer.Reason}", Phases.Request),
            _ when PollingExpired(t) => UntilConfirmed(t, claimed, "maximale Abfragedauer überschritten", Phases.Request),
            _ => new JobResult.Continue(detail, Phases.Poll, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
        };
    }

    /// <summary>
    /// A deletion at the broker that is not confirmed yet: asked for again with backoff (capped at CleanupMaxBackoff),
    /// never dead-lettered. The timeline says so once, not on every attempt.
    /// </summary>
    private JobResult.Retry UntilConfirmed(Target t, ClaimedJob claimed, string reason, string phase) =>
        new(reason, phase, (t.Payload with { Operation = null, FailuresBeforeCleanup = t.Payload.FailuresBeforeCleanup ?? claimed.Job.Failures }).ToJson())
        {
            UntilConfirmed = true,
            Effects = claimed.Job.Failures > 0 ? null
                : w => writer.NoteAsync(w, t.Id, "cleanup-retrying", SystemActor, $"Entfernen beim Anbieter noch nicht bestätigt, neuer Versuch folgt: {reason}"),
        };

    private async Task CancelAsync(Work w, Target t, string message)
    {
        await writer.SetBrokerInstanceAsync(w, t.Id, BrokerInstances.None);
        await writer.CloseBillingAsync(w, t.Id);
        await writer.SetFailureAsync(w, t.Id, null, null);
        await writer.TransitionAsync(w, t.Id, [SubscriptionStates.Deprovisioning], SubscriptionStates.Cancelled, SystemActor, null, "cancelled", message);
    }

    // ---- Helpers ----

    private static PendingChange? Pending(SubscriptionRecord s) =>
        s.PendingJson is null ? null : JsonSerializer.Deserialize<PendingChange>(s.PendingJson, SubscriptionWriter.Json);

    /// <summary>The effective configuration with secrets revealed: Land defaults under the municipality's values.</summary>
    private JsonObject Parameters(Target t, JsonObject? replacement)
    {
        var own = replacement ?? (JsonObject)JsonNode.Parse(t.Subscription.ConfigJson)!;
        return ReconciliationJob.ExpectedParameters(secrets, t.Offering, t.LandDefaults, own);
    }

    private JsonObject Context(Target t, bool suspended)
    {
        var m = t.Municipality ?? throw new InvalidOperationException("the request phase loads the municipality");
        var context = new JsonObject
        {
            ["platform"] = _options.Platform,
            ["ags"] = m.Ags,
            ["municipality_name"] = m.Name,
            ["land"] = m.LandAbbreviation,
            ["land_code"] = m.LandCode,
            ["land_name"] = m.LandName,
            ["subscription_id"] = t.Id,
            // The deprecated top-level fields, repeated in the context as the specification's platform profiles do.
            ["organization_guid"] = PlatformIdentifiers.OrganizationGuid(m.Ags),
            ["space_guid"] = PlatformIdentifiers.SpaceGuid(m.Ags),
        };
        if (suspended) context["suspended"] = true;
        return context;
    }

    private DateTimeOffset NextPoll(TimeSpan? retryAfter) =>
        clock.GetUtcNow() + (retryAfter is { } r && r >= TimeSpan.Zero ? r : _options.DefaultPollInterval);

    /// <summary>The platform's maximum polling duration, shortened by the plan's maximum_polling_duration from the broker catalogue.</summary>
    private async Task<DateTimeOffset> PollDeadlineAsync(Target t, CancellationToken ct)
    {
        var limit = _options.MaxPollingDuration;
        if (await catalogs.MaximumPollingDurationAsync(t.Broker, t.PlanId, t.Identity, ct) is { } planLimit && planLimit < limit) limit = planLimit;
        return clock.GetUtcNow() + limit;
    }

    private bool PollingExpired(Target t) =>
        t.Payload.PollDeadline is { } deadline && clock.GetUtcNow() >= deadline;
}
