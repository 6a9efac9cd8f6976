using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Residency;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Microsoft.Extensions.Localization;

namespace Marketplace.Provisioning.Residency;

/// <summary>A municipality objects to the sub-processor change an offering version announces; the reason is required.</summary>
public sealed record ObjectionRequest(string? OfferingId, int? Version, string? Reason);

/// <summary>An objection as recorded: who objected to which change, why, and when the change takes effect.</summary>
public sealed record SubProcessorObjection
{
    public string Id { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public int Version { get; init; }
    public string MunicipalityAgs { get; init; } = "";
    public string? MunicipalityName { get; init; }
    public string SubscriptionId { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset EffectiveAt { get; init; }
    public string ObjectedBy { get; init; } = "";
    public DateTimeOffset ObjectedAt { get; init; }
    /// <summary>
    /// For the objecting municipality while the change is pending: how to leave before it takes effect (null in the
    /// vendor's list and once the change is in effect).
    /// </summary>
    public ExitBeforeChange? Exit { get; init; }
}

/// <summary>
/// What an objection means for the municipality (Art. 28(2) GDPR): it may leave before the change takes effect. Cancelling
/// ends the subscription at once, with no notice period and no minimum term, and nothing is charged from the cancellation
/// on (add-ons stop that day, usage after it is refused); cancelling by <see cref="CancelBy"/> means the new
/// sub-processors never receive the municipality's data.
/// </summary>
public sealed record ExitBeforeChange(string Method, string Href, DateTimeOffset CancelBy, int NoticePeriodDays, bool ChargesAfterCancellation, string Explanation);

/// <summary>What a subscribed municipality sees of its offering's sub-processors: the status and its own objections.</summary>
public sealed record SubProcessorsOfSubscription(string SubscriptionId, string OfferingId, IReadOnlyList<Catalog.Descriptors.SubProcessorDescriptor> InForce,
    IReadOnlyList<SubProcessorChange> Pending, IReadOnlyList<SubProcessorChange> History, IReadOnlyList<SubProcessorObjection> Objections);

/// <summary>
/// Objections to announced sub-processor changes (Art. 28(2) GDPR). Only a municipality with a live subscription objects,
/// only within the objection period and once per change; the vendor reads the objections to its own offering. Every
/// objection is audited.
/// </summary>
public sealed class SubProcessorObjections(Database database, AuditTrail audit, ISubProcessorHistory history, MunicipalityDirectory municipalities, TimeProvider clock,
    IStringLocalizerFactory localizers)
{
    public const int MaxReasonLength = 2000;

    public async Task<SubProcessorObjection> ObjectAsync(string ags, string userId, ObjectionRequest request, CancellationToken ct = default)
    {
        var reason = request.Reason?.Trim();
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(reason)) errors.Add(FieldError.Coded("reason", "objection.reason-missing", "Begründung fehlt"));
        else if (reason.Length > MaxReasonLength) errors.Add(FieldError.TooLong("reason", MaxReasonLength));
        if (string.IsNullOrWhiteSpace(request.OfferingId)) errors.Add(FieldError.Coded("offeringId", "objection.offering-missing", "Angebot angeben"));
        if (request.Version is null) errors.Add(FieldError.Coded("version", "objection.version-missing", "Version angeben, der Sie widersprechen"));
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var offeringId = request.OfferingId!;
        var version = request.Version!.Value;

        var subscription = await LiveSubscriptionAsync(ags, offeringId, ct) ?? throw new RequestValidationException([FieldError.Coded("offeringId", "objection.not-subscribed",
            "Ihre Kommune hat dieses Angebot nicht abonniert; widersprechen können nur Kommunen mit einem laufenden Abonnement.")]);
        var status = await history.ForOfferingAsync(offeringId, ct);
        var change = status.History.FirstOrDefault(c => c.Version == version) ?? throw new RequestValidationException([FieldError.Coded("version", "objection.no-change",
            $"Version {version} ändert die Unterauftragsverarbeiter nicht.", version)]);
        if (!change.Pending)
            throw new RequestValidationException([FieldError.Coded("version", "objection.period-ended",
                $"Die Widerspruchsfrist für Version {version} endete am {change.EffectiveAt.UtcDateTime:dd.MM.yyyy}; die Änderung ist wirksam.", version, change.EffectiveAt.UtcDateTime)]);

        var objection = new SubProcessorObjection
        {
            Id = Guid.NewGuid().ToString(), OfferingId = offeringId, Version = version, MunicipalityAgs = ags, SubscriptionId = subscription.Id,
            Reason = reason!, EffectiveAt = change.EffectiveAt, ObjectedBy = userId, ObjectedAt = clock.GetUtcNow(),
        };
        try
        {
            await using var work = await Work.BeginAsync(database, audit, ct);
            if (await work.Connection.ExecuteScalarAsync<string?>(ObjectionSql.Existing, new { offeringId, version, ags }, work.Transaction) is not null)
                throw AlreadyObjected(version);
            await work.Exec(ObjectionSql.Insert, objection);
            work.Audit(new AuditEntry(userId, ags, "subprocessor.objection", "offering", offeringId, null, new JsonObject
            {
                ["version"] = version, ["municipality"] = ags, ["subscription"] = subscription.Id, ["reason"] = reason,
                ["effectiveFrom"] = change.EffectiveFrom,
            }));
            await work.CommitAsync(ct);
        }
        catch (DbException)
        {
            // A second buyer-admin of the same municipality may have won the insert.
            if (await ExistsAsync(offeringId, version, ags, ct)) throw AlreadyObjected(version);
            throw;
        }
        return WithExit(objection);
    }

    /// <summary>
    /// The municipality's buyer-admin withdraws its own objection while the change is still pending (audited, one
    /// transaction); afterwards it may object again within the period. Another municipality's objection is not found.
    /// </summary>
    public async Task WithdrawAsync(string ags, string userId, string objectionId, CancellationToken ct = default)
    {
        await using var work = await Work.BeginAsync(database, audit, ct);
        var objection = await work.Connection.QuerySingleOrDefaultAsync<SubProcessorObjection>(ObjectionSql.OwnById, new { id = objectionId, ags }, work.Transaction)
            ?? throw new NotFoundException("objection", objectionId);
        var effective = objection.EffectiveAt;
        if (effective <= clock.GetUtcNow())
            throw new RequestValidationException([FieldError.Coded("version", "objection.withdraw-too-late",
                $"Die Änderung mit Version {objection.Version} ist seit {effective.UtcDateTime:dd.MM.yyyy} wirksam; der Widerspruch kann nicht mehr zurückgenommen werden.",
                objection.Version, effective.UtcDateTime)]);
        await work.Exec(ObjectionSql.Delete, new { id = objectionId, ags });
        work.Audit(new AuditEntry(userId, ags, "subprocessor.objection-withdrawn", "offering", objection.OfferingId, new JsonObject
        {
            ["objection"] = objection.Id, ["version"] = objection.Version, ["municipality"] = ags, ["subscription"] = objection.SubscriptionId,
            ["reason"] = objection.Reason, ["objectedAt"] = StoredTimestamp.Format(objection.ObjectedAt),
        }, null));
        await work.CommitAsync(ct);
    }

    /// <summary>The sub-processors of the offering a municipality subscribes to, with its own objections; null when the subscription is not its own.</summary>
    public async Task<SubProcessorsOfSubscription?> ForSubscriptionAsync(string ags, string subscriptionId, CancellationToken ct = default)
    {
        string? offeringId;
        IReadOnlyList<SubProcessorObjection> objections;
        await using (var c = await database.OpenAsync(ct))
        {
            offeringId = await c.ExecuteScalarAsync<string?>(new CommandDefinition(ObjectionSql.OfferingOfSubscription, new { id = subscriptionId, ags }, cancellationToken: ct));
            if (offeringId is null) return null;
            objections = await NamedAsync(await c.QueryAsync<SubProcessorObjection>(new CommandDefinition(ObjectionSql.OfMunicipality, new { ags, offeringId }, cancellationToken: ct)), ct);
        }
        var status = await history.ForOfferingAsync(offeringId, ct);
        return new SubProcessorsOfSubscription(subscriptionId, offeringId, status.InForce, status.Pending, status.History, objections.Select(WithExit).ToList());
    }

    /// <summary>Every objection to the offering's changes, newest first: for its vendor.</summary>
    public async Task<IReadOnlyList<SubProcessorObjection>> ForOfferingAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await NamedAsync(await c.QueryAsync<SubProcessorObjection>(new CommandDefinition(ObjectionSql.OfOffering, new { offeringId }, cancellationToken: ct)), ct);
    }

    /// <summary>The objections with their municipalities' names, read from the directory in one batch.</summary>
    private async Task<IReadOnlyList<SubProcessorObjection>> NamedAsync(IEnumerable<SubProcessorObjection> objections, CancellationToken ct)
    {
        var list = objections.ToList();
        var names = await municipalities.NamesAsync(list.Select(o => o.MunicipalityAgs), ct);
        return list.Select(o => o with { MunicipalityName = names[o.MunicipalityAgs] }).ToList();
    }

    private async Task<SubscriptionRecord?> LiveSubscriptionAsync(string ags, string offeringId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var s = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(new CommandDefinition(ProvisioningSql.SubscriptionOfMunicipality,
            new { ags, offeringId }, cancellationToken: ct));
        return s is null || s.State is SubscriptionStates.Cancelled or SubscriptionStates.Failed ? null : s;
    }

    private async Task<bool> ExistsAsync(string offeringId, int version, string ags, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(new CommandDefinition(ObjectionSql.Existing, new { offeringId, version, ags }, cancellationToken: ct)) is not null;
    }

    /// <summary>The objection with the way out while its change is pending (the cancellation is the subscription's DELETE).</summary>
    private SubProcessorObjection WithExit(SubProcessorObjection o)
    {
        var effective = o.EffectiveAt;
        if (effective <= clock.GetUtcNow()) return o;
        return new SubProcessorObjection
        {
            Id = o.Id, OfferingId = o.OfferingId, Version = o.Version, MunicipalityAgs = o.MunicipalityAgs, MunicipalityName = o.MunicipalityName,
            SubscriptionId = o.SubscriptionId, Reason = o.Reason, EffectiveAt = o.EffectiveAt, ObjectedBy = o.ObjectedBy, ObjectedAt = o.ObjectedAt,
            Exit = new ExitBeforeChange("DELETE", $"/api/v1/municipalities/{o.MunicipalityAgs}/subscriptions/{o.SubscriptionId}", o.EffectiveAt, 0, false,
                CodedProblems.Texts(localizers)["Objection.ExitExplanation", effective.UtcDateTime]),
        };
    }

    private static RequestValidationException AlreadyObjected(int version) => new([FieldError.Coded("version", "objection.already-objected",
        $"Ihre Kommune hat der Änderung mit Version {version} bereits widersprochen.", version)]);

}
