using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Bindings;

/// <summary>A new binding: the name the municipality knows it by (the Fachverfahren or system that uses it).</summary>
public sealed record BindingRequest(string? Name);

/// <summary>
/// A municipality's access credentials for a subscription of a bindable plan (OSB service bindings): created, rotated and
/// deleted through the broker job machinery, the credentials shown once and otherwise stored encrypted. Another
/// municipality's subscription is not found; the vendor sees the metadata of its own offerings' bindings only.
/// </summary>
public sealed class BindingService(Database database, AuditTrail audit, ConfigSecrets secrets, OfferingDirectory offerings, BrokerRegistry brokers,
    BrokerCatalogs catalogs, JobStore jobs, SubscriptionWriter writer, TimeProvider clock, IOptions<ProvisioningOptions> options)
{
    public const int MaxNameLength = 100;

    /// <summary>The bindings of a municipality's subscription (not the deleted ones), oldest first, without the broker's failure text.</summary>
    public async Task<IReadOnlyList<BindingView>> ListAsync(string actingAgs, string subscriptionId, CancellationToken ct = default)
    {
        await OwnedAsync(actingAgs, subscriptionId, ct);
        return (await RowsAsync(subscriptionId, ct)).Select(r => BindingView.Of(r) with { FailureReason = null }).ToList();
    }

    /// <summary>The bindings of a subscription of the vendor's own offering: metadata and the broker's failure text, never credentials.</summary>
    public async Task<IReadOnlyList<BindingView>> ListForVendorAsync(string vendorId, string subscriptionId, CancellationToken ct = default)
    {
        var s = await LoadAsync(subscriptionId, ct);
        if (s is null || s.VendorId != vendorId) throw new NotFoundException("subscription", subscriptionId);
        return (await RowsAsync(subscriptionId, ct)).Select(BindingView.Of).ToList();
    }

    /// <summary>Whether the subscription's plan may be bound, as its broker's catalogue says; null when that cannot be known now.</summary>
    public async Task<bool?> BindableAsync(string actingAgs, string subscriptionId, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, subscriptionId, ct);
        return (await PlanFactsAsync(s, "system:bindings", ct))?.Bindable ?? (s.Fulfilment == Fulfilments.Broker ? null : false);
    }

    /// <summary>Creates a binding of an active subscription: the broker is asked by a job; the credentials are shown once it is active.</summary>
    public async Task<BindingView> CreateAsync(string actingAgs, string actorUserId, string subscriptionId, BindingRequest request, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, subscriptionId, ct);
        var name = request.Name?.Trim() ?? "";
        var errors = new List<FieldError>();
        if (name.Length == 0) errors.Add(FieldError.Coded("name", "binding.name-missing", "Einen Namen angeben, z. B. das Fachverfahren, das die Zugangsdaten nutzt."));
        else if (name.Length > MaxNameLength || name.Any(char.IsControl))
            errors.Add(FieldError.Coded("name", "binding.name-invalid", $"Höchstens {MaxNameLength} Zeichen, ohne Steuerzeichen.", MaxNameLength));
        else if ((await RowsAsync(subscriptionId, ct)).Any(r => r.State is not BindingStates.Failed && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
            errors.Add(FieldError.Coded("name", "binding.name-taken", "Zugangsdaten mit diesem Namen gibt es schon."));
        if (errors.Count > 0) throw new RequestValidationException(errors);
        await EnsureBindableAsync(s, actorUserId, ct);
        return await StartAsync(s, actorUserId, actingAgs, name, null, ct);
    }

    /// <summary>Rotation: a new binding with the same name; the old one stays valid until the new one is active, then it is deleted.</summary>
    public async Task<BindingView> RotateAsync(string actingAgs, string actorUserId, string subscriptionId, string bindingId, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, subscriptionId, ct);
        var old = await BindingOfAsync(subscriptionId, bindingId, ct);
        if (old.State != BindingStates.Active)
            throw new ConflictException($"Nur aktive Zugangsdaten lassen sich erneuern; diese sind {old.State}.") { Code = "binding.rotate-not-active", Args = [State(old.State)] };
        await EnsureBindableAsync(s, actorUserId, ct);
        return await StartAsync(s, actorUserId, actingAgs, old.Name, old.Id, ct);
    }

    /// <summary>Deletes a binding: the broker revokes the credentials (retried until it confirms); a failed one is only removed from the list.</summary>
    public async Task DeleteAsync(string actingAgs, string actorUserId, string subscriptionId, string bindingId, CancellationToken ct = default)
    {
        var s = await OwnedAsync(actingAgs, subscriptionId, ct);
        var b = await BindingOfAsync(subscriptionId, bindingId, ct);
        await using var work = await Work.BeginAsync(database, audit, ct);
        var now = clock.GetUtcNow();
        switch (b.State)
        {
            case BindingStates.Active:
                await new OperationStarter(jobs).StartAsync(work, s.Id, s.VendorId, s.Fulfilment, JobKinds.Unbind, actorUserId, b.Id);
                await work.Exec(BindingSql.SetState, BindingSql.SetStateArgs(b.Id, BindingStates.Deleting, null, now, BindingStates.Active));
                await writer.NoteAsync(work, s.Id, "binding-delete-requested", actorUserId, $"Löschen der Zugangsdaten „{b.Name}“ angefordert");
                break;
            case BindingStates.Failed:
                // Nothing the platform knows of is left at the broker (orphan mitigation confirmed it, or it was never created).
                await work.Exec(BindingSql.MarkDeleted, new { id = b.Id, now });
                break;
            default:
                throw new ConflictException($"Die Zugangsdaten sind gerade {b.State}; bitte warten.") { Code = "binding.busy", Args = [State(b.State)] };
        }
        work.Audit(new AuditEntry(actorUserId, actingAgs, "binding.delete-requested", "subscription-binding", b.Id, new JsonObject { ["state"] = b.State },
            new JsonObject { ["state"] = b.State == BindingStates.Active ? BindingStates.Deleting : BindingStates.Deleted, ["subscription"] = s.Id }));
        await work.CommitAsync(ct);
    }

    /// <summary>
    /// The credentials, exactly once: the first call after the binding became active gets them, every later one is refused
    /// (409). Who needs them again rotates the binding.
    /// </summary>
    public async Task<BindingCredentials> RevealAsync(string actingAgs, string actorUserId, string subscriptionId, string bindingId, CancellationToken ct = default)
    {
        await OwnedAsync(actingAgs, subscriptionId, ct);
        var b = await BindingOfAsync(subscriptionId, bindingId, ct);
        // Decrypted before the transaction: the key ring is read from the database on another connection.
        var kept = b.CredentialsProtected is { } sealedText ? (JsonObject)JsonNode.Parse(secrets.UnprotectText(sealedText))! : null;
        await using var work = await Work.BeginAsync(database, audit, ct);
        var now = clock.GetUtcNow();
        if (kept is null || await work.Exec(BindingSql.Reveal, new { id = b.Id, now }) == 0)
            throw b.CredentialsRevealedAt is not null
                ? new ConflictException("Die Zugangsdaten wurden schon angezeigt und werden nicht noch einmal gezeigt. Wer sie braucht, erneuert sie.") { Code = "binding.already-shown" }
                : new ConflictException($"Die Zugangsdaten sind {b.State}, noch nicht abrufbar.") { Code = "binding.not-available", Args = [State(b.State)] };
        work.Audit(new AuditEntry(actorUserId, actingAgs, "binding.credentials-shown", "subscription-binding", b.Id, null,
            new JsonObject { ["subscription"] = subscriptionId, ["shownAt"] = StoredTimestamp.Format(now) }));
        await work.CommitAsync(ct);
        return new BindingCredentials(b.Id, b.Name, kept["credentials"] as JsonObject ?? [], kept["endpoints"] as JsonArray ?? [], now);
    }

    private async Task<BindingView> StartAsync(SubscriptionRecord s, string actorUserId, string actingAgs, string name, string? replaces, CancellationToken ct)
    {
        if (s.State != SubscriptionStates.Active)
            throw new ConflictException($"Zugangsdaten gibt es nur für aktive Abonnements; dieses ist {s.State}.")
                { Code = "binding.subscription-not-active", Args = [ResourceWord.State(s.State)] };
        var id = Guid.NewGuid().ToString();
        await using var work = await Work.BeginAsync(database, audit, ct);
        await new OperationStarter(jobs).StartAsync(work, s.Id, s.VendorId, s.Fulfilment, JobKinds.Bind, actorUserId, id);
        await work.Exec(BindingSql.Insert, new
        {
            id, subscriptionId = s.Id, name, state = BindingStates.Creating, replaces, createdBy = actorUserId, now = clock.GetUtcNow(),
        });
        await writer.NoteAsync(work, s.Id, replaces is null ? "binding-requested" : "binding-rotation-requested", actorUserId,
            replaces is null ? $"Zugangsdaten „{name}“ angefordert" : $"Erneuerung der Zugangsdaten „{name}“ angefordert");
        work.Audit(new AuditEntry(actorUserId, actingAgs, replaces is null ? "binding.requested" : "binding.rotation-requested", "subscription-binding", id, null,
            new JsonObject { ["state"] = BindingStates.Creating, ["subscription"] = s.Id, ["name"] = name, ["replaces"] = replaces }));
        await work.CommitAsync(ct);
        return BindingView.Of(await BindingOfAsync(s.Id, id, ct)) with { FailureReason = null };
    }

    /// <summary>The subscription's plan must be bindable in its broker's catalogue (plan flag over service flag); else a problem naming planId.</summary>
    private async Task EnsureBindableAsync(SubscriptionRecord s, string actorUserId, CancellationToken ct)
    {
        var facts = await PlanFactsAsync(s, actorUserId, ct);
        if (facts is null && s.Fulfilment == Fulfilments.Broker)
            throw new ConflictException("Der Katalog des Brokers ist gerade nicht lesbar; bitte später erneut versuchen.") { Code = "binding.catalog-unreadable" };
        if (facts is not { Bindable: true })
            throw RequestValidationException.Coded("planId", "binding.plan-not-bindable", $"Der Tarif „{s.PlanId}“ sieht keine Zugangsdaten vor (nicht bindable).", s.PlanId);
    }

    private async Task<PlanFacts?> PlanFactsAsync(SubscriptionRecord s, string actorUserId, CancellationToken ct)
    {
        if (s.Fulfilment != Fulfilments.Broker) return null;
        await using var c = await database.OpenAsync(ct);
        var offering = await offerings.GetAsync(c, null, s.OfferingId);
        if (offering?.Descriptor.Provisioning is not { Type: "osb" } provisioning || await brokers.EndpointAsync(c, offering.VendorId, provisioning) is not { } endpoint)
            return null;
        var planId = provisioning.PlanIds?.GetValueOrDefault(s.PlanId) ?? s.PlanId;
        return await catalogs.PlanAsync(endpoint with { ApiVersion = OsbClient.ApiVersionOf(offering.Descriptor) }, planId,
            new OriginatingIdentity(options.Value.Platform, actorUserId), ct);
    }

    private async Task<BindingRecord> BindingOfAsync(string subscriptionId, string bindingId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var b = await c.QuerySingleOrDefaultAsync<BindingRecord>(new CommandDefinition(BindingSql.ById, new { id = bindingId }, cancellationToken: ct));
        return b is null || b.SubscriptionId != subscriptionId || b.State == BindingStates.Deleted ? throw new NotFoundException("binding", bindingId) : b;
    }

    private async Task<IReadOnlyList<BindingRecord>> RowsAsync(string subscriptionId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<BindingRecord>(new CommandDefinition(BindingSql.OfSubscription, new { subscriptionId }, cancellationToken: ct))).ToList();
    }

    private async Task<SubscriptionRecord> OwnedAsync(string actingAgs, string id, CancellationToken ct)
    {
        var s = await LoadAsync(id, ct);
        return s is null || s.MunicipalityAgs != actingAgs ? throw new NotFoundException("subscription", id) : s;
    }

    private async Task<SubscriptionRecord?> LoadAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(new CommandDefinition(ProvisioningSql.SubscriptionById, new { id }, cancellationToken: ct));
    }

    // A binding's state as the page names it ("Binding.State.active").
    private static ResourceWord State(string state) => new("Binding.State." + state, state);
}
