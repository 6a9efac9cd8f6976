using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Reconciliation;

/// <summary>Where a finding was raised: the daily comparison, or the fetch after a failed update or an unclear provision.</summary>
public static class FindingSources
{
    public const string Daily = "daily";
    public const string AfterUpdate = "after-update";
    public const string AfterProvision = "after-provision";
}

/// <summary>A mismatch between a subscription and its broker instance, as the vendor and the platform see it.</summary>
public sealed class ReconciliationFinding
{
    public string Id { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string VendorId { get; init; } = "";
    public string MunicipalityAgs { get; init; } = "";
    public string OfferingId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? PlatformValue { get; init; }
    public string? BrokerValue { get; init; }
    /// <summary>The broker's answer, for the vendor and the platform only.</summary>
    public string? Detail { get; init; }
    public string Source { get; init; } = "";
    public DateTimeOffset FoundAt { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>A finding as a buyer sees it: its kind in words, no broker answer.</summary>
public sealed record BuyerFinding(string Id, string SubscriptionId, string Kind, DateTimeOffset FoundAt, DateTimeOffset? ResolvedAt, string? Message);

/// <summary>
/// Findings of reconciliation: raised once per subscription and kind while the mismatch lasts (later comparisons only
/// note that it was seen again), resolved when a comparison no longer shows it. Each change is audited.
/// </summary>
public sealed class ReconciliationFindings(Database database, SubscriptionWriter writer, TimeProvider clock)
{
    /// <summary>The audit actor; timeline notes are the provisioning system's, whose messages buyers do not see.</summary>
    public const string Actor = "system:reconciliation";

    /// <summary>
    /// Records what one comparison found. <paramref name="complete"/>: the broker answered clearly (found or missing), so
    /// open findings it no longer shows are resolved. Returns how many findings are new.
    /// </summary>
    internal async Task<int> RecordAsync(Work w, SubscriptionRecord s, IReadOnlyList<Mismatch> found, string detail, string source, bool complete)
    {
        var now = clock.GetUtcNow();
        var open = (await w.Connection.QueryAsync<ReconciliationFinding>(ReconciliationSql.OpenFindingsOf, new { subscriptionId = s.Id }, w.Transaction)).ToList();
        var raised = 0;
        foreach (var m in found)
        {
            var args = new { platformValue = m.Platform, brokerValue = m.Broker, detail = Cut(detail), now };
            if (open.FirstOrDefault(f => f.Kind == m.Kind) is { } existing)
            {
                await w.Connection.ExecuteAsync(ReconciliationSql.SeenAgain, new { id = existing.Id, args.platformValue, args.brokerValue, args.detail, now }, w.Transaction);
                continue;
            }
            var id = Guid.NewGuid().ToString();
            await w.Connection.ExecuteAsync(ReconciliationSql.InsertFinding, new
            {
                id, subscriptionId = s.Id, vendorId = s.VendorId, ags = s.MunicipalityAgs, offeringId = s.OfferingId, kind = m.Kind, args.platformValue, args.brokerValue, args.detail, source, now,
            }, w.Transaction);
            await writer.NoteAsync(w, s.Id, "reconciliation-finding", SubscriptionJobHandler.SystemActor, $"Abgleich mit dem Anbieter: {Describe(m)}");
            w.Audit(new AuditEntry(Actor, s.VendorId, "reconciliation.finding", "subscription", s.Id, null, new JsonObject
            {
                ["finding"] = id, ["kind"] = m.Kind, ["platform"] = m.Platform, ["broker"] = m.Broker, ["source"] = source,
            }));
            raised++;
        }
        if (!complete) return raised;
        foreach (var gone in open.Where(f => found.All(m => m.Kind != f.Kind)))
        {
            await w.Connection.ExecuteAsync(ReconciliationSql.Resolve, new { id = gone.Id, now }, w.Transaction);
            await writer.NoteAsync(w, s.Id, "reconciliation-resolved", SubscriptionJobHandler.SystemActor, $"Abgleich mit dem Anbieter: Abweichung ({gone.Kind}) besteht nicht mehr");
            w.Audit(new AuditEntry(Actor, s.VendorId, "reconciliation.resolved", "subscription", s.Id,
                new JsonObject { ["finding"] = gone.Id, ["kind"] = gone.Kind }, new JsonObject { ["resolvedAt"] = StoredTimestamp.Format(now) }));
        }
        return raised;
    }

    /// <summary>Findings, newest first: of one vendor, or (null) of all vendors for the platform.</summary>
    public async Task<IReadOnlyList<ReconciliationFinding>> ListAsync(string? vendorId, bool openOnly, int limit, int offset, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<ReconciliationFinding>(new CommandDefinition(ReconciliationSql.Findings(database.Dialect, vendorId is not null),
            new { vendorId, openOnly = openOnly ? 1 : 0, limit, offset }, cancellationToken: ct))).ToList();
    }

    /// <summary>The findings of one subscription, newest first.</summary>
    public async Task<IReadOnlyList<ReconciliationFinding>> OfSubscriptionAsync(string subscriptionId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<ReconciliationFinding>(new CommandDefinition(ReconciliationSql.FindingsOfSubscription, new { subscriptionId }, cancellationToken: ct))).ToList();
    }

    private static string Describe(Mismatch m) => m.Kind switch
    {
        FindingKinds.Missing => "Instanz beim Anbieter nicht vorhanden (404)",
        FindingKinds.Plan => $"Tarif beim Anbieter {m.Broker}, auf dem Marktplatz {m.Platform}",
        _ => $"Parameter weichen ab: {m.Broker}",
    };

    private static string? Cut(string? text) => text is { Length: > 1000 } ? text[..1000] : text;
}
