using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Bindings;
using Marketplace.Provisioning.Broker;

namespace Marketplace.Provisioning.Jobs;

// Service bindings: bind (PUT, poll, fetch, orphan mitigation), unbind (DELETE until confirmed), and the unbinding a
// cancellation does before it deletes the instance. Every binding change is audited without the credentials.
internal sealed partial class SubscriptionJobHandler
{
    private static BindingAddress At(Target t, string bindingId) => new(t.Subscription.InstanceId, bindingId, t.ServiceId, t.PlanId);

    private async Task<BindingRecord?> BindingAsync(string? id, CancellationToken ct)
    {
        if (id is null) return null;
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<BindingRecord>(new CommandDefinition(BindingSql.ById, new { id }, cancellationToken: ct));
    }

    // ---- Binding ----

    private async Task<JobResult> RunBindAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (await BindingAsync(t.Payload.BindingId, ct) is not { } b || b.SubscriptionId != t.Id) return new JobResult.Failed("binding no longer exists");
        return claimed.Job.Phase switch
        {
            Phases.Request => await BindAsync(t, b, ct),
            Phases.Poll => await PollBindAsync(t, b, ct),
            Phases.Fetch => await FetchBindingAsync(t, b, "", ct),
            Phases.Mitigate => await MitigateBindingAsync(t, b, claimed, ct),
            Phases.MitigatePoll => await PollBindingMitigationAsync(t, b, claimed, ct),
            _ => new JobResult.Failed($"unknown binding phase {claimed.Job.Phase}"),
        };
    }

    private async Task<JobResult> BindAsync(Target t, BindingRecord b, CancellationToken ct)
    {
        if (b.State != BindingStates.Creating) return new JobResult.Done($"nothing to bind: binding is {b.State}");
        var facts = await catalogs.PlanAsync(t.Broker, t.PlanId, t.Identity, ct);
        if (facts is null)
            return new JobResult.Retry("broker catalogue not readable: whether the plan is bindable is unknown")
            {
                OnDead = w => BindingStateAsync(w, t, b, [BindingStates.Creating], BindingStates.Failed, "broker catalogue not readable", "binding-failed"),
            };
        // The specification forbids a bind request for a plan the catalogue does not call bindable.
        if (!facts.Bindable)
            return new JobResult.Failed("plan is not bindable")
            {
                Effects = w => BindingStateAsync(w, t, b, [BindingStates.Creating], BindingStates.Failed, "plan is not bindable", "binding-failed"),
            };
        var context = Context(t, false);
        context["binding_name"] = b.Name;
        var request = new BindRequest(t.ServiceId, t.PlanId, context, new JsonObject { ["app_guid"] = b.Id }, new JsonObject());
        // Asynchronous binding only where the credentials can be fetched afterwards (bindings_retrievable).
        var response = await osb.BindAsync(t.Broker, At(t, b.Id), request, facts.BindingsRetrievable, t.Identity, ct);
        var answer = OsbSpec.Bind(response);
        var detail = $"PUT binding {response.Status} [{response.RequestIdentity}]";
        switch (answer.Kind)
        {
            case AnswerKind.Succeeded:
                return Activated(t, b, detail, response);
            case AnswerKind.Accepted:
                var payload = t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) };
                return new JobResult.Continue(detail, Phases.Poll, payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true);
            case AnswerKind.RetryLater:
                return new JobResult.Retry(answer.Reason)
                {
                    OnDead = w => BindingStateAsync(w, t, b, [BindingStates.Creating], BindingStates.Failed, answer.Reason, "binding-failed"),
                };
            case AnswerKind.OrphanMitigation:
                return MitigateBinding(t, b, answer.Reason, detail);
            default:
                return new JobResult.Failed(answer.Reason)
                {
                    Effects = w => BindingStateAsync(w, t, b, [BindingStates.Creating], BindingStates.Failed, answer.Reason, "binding-failed"),
                };
        }
    }

    private async Task<JobResult> PollBindAsync(Target t, BindingRecord b, CancellationToken ct)
    {
        var response = await osb.BindingLastOperationAsync(t.Broker, At(t, b.Id), t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: false);
        var detail = $"GET binding last_operation {response}";
        return answer.Kind switch
        {
            // The credentials of an asynchronous binding come with a GET of the binding, available once the operation succeeded.
            AnswerKind.Succeeded => await FetchBindingAsync(t, b, detail + "; ", ct),
            AnswerKind.OperationFailed => MitigateBinding(t, b, $"Erzeugen fehlgeschlagen: {answer.Reason}", detail),
            _ when PollingExpired(t) => MitigateBinding(t, b, "maximale Abfragedauer überschritten", detail),
            _ => new JobResult.Continue(detail, Phases.Poll, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
        };
    }

    private async Task<JobResult> FetchBindingAsync(Target t, BindingRecord b, string before, CancellationToken ct)
    {
        var response = await osb.FetchBindingAsync(t.Broker, At(t, b.Id), t.Identity, ct);
        var answer = OsbSpec.FetchBinding(response);
        var detail = $"{before}GET binding {response.Status}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => Activated(t, b, detail, response),
            _ when PollingExpired(t) => MitigateBinding(t, b, "Zugangsdaten nicht abrufbar", detail),
            _ => new JobResult.Continue(detail, Phases.Fetch, t.Payload.ToJson(), NextPoll(response.RetryAfter), HoldsSlot: true),
        };
    }

    /// <summary>The broker may hold a binding the platform does not know: delete it, then the binding has failed.</summary>
    private JobResult MitigateBinding(Target t, BindingRecord b, string reason, string detail) =>
        new JobResult.Continue(detail, Phases.Mitigate, (t.Payload with { Reason = reason, Operation = null }).ToJson(), clock.GetUtcNow(), HoldsSlot: true)
        {
            Effects = w => BindingStateAsync(w, t, b, [BindingStates.Creating], BindingStates.Deleting, reason, "binding-orphan-mitigation"),
        };

    private async Task<JobResult> MitigateBindingAsync(Target t, BindingRecord b, ClaimedJob claimed, CancellationToken ct)
    {
        var response = await osb.UnbindAsync(t.Broker, At(t, b.Id), t.Identity, ct);
        var answer = OsbSpec.Unbind(response);
        var detail = $"DELETE binding (orphan mitigation) {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => BindingMitigated(t, b, detail),
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.MitigatePoll,
                (t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
            _ => UntilConfirmed(t, claimed, $"orphan mitigation of binding: {answer.Reason}", Phases.Mitigate),
        };
    }

    private Task<JobResult> PollBindingMitigationAsync(Target t, BindingRecord b, ClaimedJob claimed, CancellationToken ct) =>
        PollBindingDeletionAsync(t, b, claimed, "GET binding last_operation (orphan mitigation)", Phases.MitigatePoll, Phases.Mitigate,
            detail => BindingMitigated(t, b, detail),
            failed => $"orphan mitigation of binding failed: {failed}", "orphan mitigation of binding: maximum polling duration reached", ct);

    /// <summary>
    /// One poll of a binding's deletion (unbind, orphan mitigation, or a cancellation's unbinding): gone goes on with
    /// <paramref name="gone"/>; a failure or an expired poll asks for the deletion again until the broker confirms it.
    /// </summary>
    private async Task<JobResult> PollBindingDeletionAsync(Target t, BindingRecord b, ClaimedJob claimed, string what, string pollPhase,
        string retryPhase, Func<string, JobResult> gone, Func<string, string> failed, string expired, CancellationToken ct)
    {
        var response = await osb.BindingLastOperationAsync(t.Broker, At(t, b.Id), t.Payload.Operation, t.Identity, ct);
        var answer = OsbSpec.LastOperation(response, deleting: true);
        var detail = $"{what} {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => gone(detail),
            AnswerKind.OperationFailed => UntilConfirmed(t, claimed, failed(answer.Reason), retryPhase),
            _ when PollingExpired(t) => UntilConfirmed(t, claimed, expired, retryPhase),
            _ => new JobResult.Continue(detail, pollPhase, t.Payload.ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
        };
    }

    private JobResult BindingMitigated(Target t, BindingRecord b, string detail)
    {
        var reason = t.Payload.Reason ?? "Erzeugen fehlgeschlagen";
        return new JobResult.Failed(reason)
        {
            Effects = w => BindingStateAsync(w, t, b, [BindingStates.Creating, BindingStates.Deleting], BindingStates.Failed, reason, "binding-failed"),
        };
    }

    /// <summary>
    /// The broker's answer holds the credentials: encrypted here, before the finishing transaction (the key ring may
    /// have to write a new key, which must not wait on that transaction).
    /// </summary>
    private JobResult Activated(Target t, BindingRecord b, string detail, OsbResponse response)
    {
        var kept = OsbSpec.BindingSecrets(response);
        var encrypted = secrets.ProtectText(kept.ToJsonString());
        return new JobResult.Done(detail) { Effects = w => ActivateBindingAsync(w, t, b, encrypted, Keys(kept)) };
    }

    private async Task ActivateBindingAsync(Work w, Target t, BindingRecord b, string encrypted, string credentialKeys)
    {
        var now = clock.GetUtcNow();
        if (await w.Exec(BindingSql.Activate, new { id = b.Id, credentials = encrypted, now }) == 0) return;
        await writer.NoteAsync(w, t.Id, "binding-active", SystemActor, $"Zugangsdaten „{b.Name}“ erzeugt");
        w.Audit(new AuditEntry(SystemActor, null, "binding.activated", "subscription-binding", b.Id, new JsonObject { ["state"] = b.State },
            new JsonObject { ["state"] = BindingStates.Active, ["subscription"] = t.Id, ["credentialKeys"] = credentialKeys }));
        // A rotation: the binding it replaces is deleted once the new one works (both were valid in between).
        if (b.ReplacesBindingId is { } old
            && await w.Connection.QuerySingleOrDefaultAsync<BindingRecord>(BindingSql.ById, new { id = old }, w.Transaction) is { State: BindingStates.Active } predecessor)
        {
            await BindingStateAsync(w, t, predecessor, [BindingStates.Active], BindingStates.Deleting, null, "binding-rotated");
            await jobs.EnqueueAsync(w, new NewJob(JobKinds.Unbind, t.Id, t.Offering.VendorId, Phases.Request,
                new OperationPayload(t.Payload.ActorUserId, BindingId: predecessor.Id).ToJson()));
        }
    }

    /// <summary>The names of the credential fields, never their values: what the audit trail may know.</summary>
    private static string Keys(JsonObject secretsOfBinding) =>
        string.Join(",", (secretsOfBinding["credentials"] as JsonObject)?.Select(p => p.Key).Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>());

    private async Task BindingStateAsync(Work w, Target t, BindingRecord b, string[] from, string to, string? reason, string action)
    {
        var now = clock.GetUtcNow();
        var changed = to == BindingStates.Deleted
            ? await w.Exec(BindingSql.MarkDeleted, new { id = b.Id, now })
            : await w.Exec(BindingSql.SetState, BindingSql.SetStateArgs(b.Id, to, reason is { Length: > 500 } ? reason[..500] : reason, now, from));
        if (changed == 0) return;
        await writer.NoteAsync(w, t.Id, action, SystemActor, BindingMessage(action, b.Name, reason));
        w.Audit(new AuditEntry(SystemActor, null, "binding." + action["binding-".Length..], "subscription-binding", b.Id, new JsonObject { ["state"] = b.State },
            new JsonObject { ["state"] = to, ["subscription"] = t.Id, ["reason"] = reason }));
    }

    private static string BindingMessage(string action, string name, string? reason) => action switch
    {
        "binding-failed" => $"Zugangsdaten „{name}“ nicht erzeugt: {reason}",
        "binding-orphan-mitigation" => $"Zugangsdaten „{name}“: {reason} – werden beim Broker gelöscht",
        "binding-rotated" => $"Zugangsdaten „{name}“ ersetzt – die alten werden gelöscht",
        "binding-deleting" => $"Zugangsdaten „{name}“ werden gelöscht",
        _ => $"Zugangsdaten „{name}“ gelöscht",
    };

    /// <summary>A binding job that died of an exception: a binding being created has failed; a deletion stays in the dead letter for a retry.</summary>
    private JobEffects OnBindingCrashDead(ClaimedJob claimed, string reason) => async w =>
    {
        if (claimed.Job.Kind != JobKinds.Bind) return;
        var id = OperationPayload.Parse(claimed.Job.PayloadJson).BindingId;
        await w.Exec(BindingSql.SetState, BindingSql.SetStateArgs(id, BindingStates.Failed, "Plattformfehler", clock.GetUtcNow(), BindingStates.Creating));
    };

    // ---- Unbinding ----

    private async Task<JobResult> RunUnbindAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (await BindingAsync(t.Payload.BindingId, ct) is not { } b || b.SubscriptionId != t.Id) return new JobResult.Failed("binding no longer exists");
        if (b.State == BindingStates.Deleted) return new JobResult.Done("binding already deleted");
        if (claimed.Job.Phase == Phases.Poll)
            return await PollBindingDeletionAsync(t, b, claimed, "GET binding last_operation", Phases.Poll, Phases.Request,
                detail => new JobResult.Done(detail) { Effects = w => BindingDeletedAsync(w, t, b) },
                failed => $"Löschen der Zugangsdaten fehlgeschlagen: {failed}", "maximale Abfragedauer überschritten", ct);
        var response = await osb.UnbindAsync(t.Broker, At(t, b.Id), t.Identity, ct);
        var answer = OsbSpec.Unbind(response);
        var detail = $"DELETE binding {response} [{response.RequestIdentity}]";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => new JobResult.Done(detail) { Effects = w => BindingDeletedAsync(w, t, b) },
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.Poll,
                (t.Payload with { Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(), NextPoll(answer.RetryAfter), HoldsSlot: true),
            // The credentials must stop working: the deletion is asked for again until the broker confirms it.
            _ => UntilConfirmed(t, claimed, $"Löschen der Zugangsdaten: {answer.Reason}", Phases.Request),
        };
    }

    private Task BindingDeletedAsync(Work w, Target t, BindingRecord b) =>
        BindingStateAsync(w, t, b, [], BindingStates.Deleted, null, "binding-deleted");

    /// <summary>
    /// A cancellation's first steps: each binding not confirmed deleted is deleted at the broker, one per run, before the
    /// instance. Null when none is left.
    /// </summary>
    private async Task<JobResult?> UnbindBeforeDeprovisionAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        BindingRecord? b;
        await using (var c = await database.OpenAsync(ct))
            b = await c.QueryFirstOrDefaultAsync<BindingRecord>(new CommandDefinition(BindingSql.NextToRemove, new { subscriptionId = t.Id }, cancellationToken: ct));
        if (b is null) return null;
        var response = await osb.UnbindAsync(t.Broker, At(t, b.Id), t.Identity, ct);
        var answer = OsbSpec.Unbind(response);
        var detail = $"DELETE binding {b.Id} before the instance: {response}";
        return answer.Kind switch
        {
            AnswerKind.Succeeded => NextUnbinding(t, detail, b),
            AnswerKind.Accepted => new JobResult.Continue(detail, Phases.UnbindPoll,
                (t.Payload with { BindingId = b.Id, Operation = answer.Operation, PollDeadline = await PollDeadlineAsync(t, ct) }).ToJson(),
                NextPoll(answer.RetryAfter), HoldsSlot: true),
            _ => UntilConfirmed(t, claimed, $"Zugangsdaten „{b.Name}“: {answer.Reason}", Phases.Request),
        };
    }

    private async Task<JobResult> PollCancellationUnbindAsync(Target t, ClaimedJob claimed, CancellationToken ct)
    {
        if (await BindingAsync(t.Payload.BindingId, ct) is not { } b) return NextUnbinding(t, "binding no longer exists", null);
        return await PollBindingDeletionAsync(t, b, claimed, "GET binding last_operation", Phases.UnbindPoll, Phases.Request,
            detail => NextUnbinding(t, detail, b),
            failed => $"Löschen der Zugangsdaten „{b.Name}“ fehlgeschlagen: {failed}", "maximale Abfragedauer überschritten", ct);
    }

    /// <summary>One binding is gone: the cancellation goes on at once with the next binding, or the instance.</summary>
    private JobResult NextUnbinding(Target t, string detail, BindingRecord? deleted) =>
        new JobResult.Continue(detail, Phases.Request, (t.Payload with { BindingId = null, Operation = null, PollDeadline = null }).ToJson(), clock.GetUtcNow(),
            HoldsSlot: true)
        {
            Effects = deleted is null ? null : w => BindingDeletedAsync(w, t, deleted),
        };
}
