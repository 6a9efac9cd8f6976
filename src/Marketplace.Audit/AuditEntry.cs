using System.Text.Json.Nodes;

namespace Marketplace.Audit;

/// <summary>
/// One state-changing action: who (user and organisation), what (action on an object), and the object's
/// state before and after. Appended in the same transaction as the change it records.
/// </summary>
public sealed record AuditEntry(
    string ActorUserId,
    string? ActorOrganisationId,
    string Action,
    string ObjectType,
    string ObjectId,
    JsonNode? Before,
    JsonNode? After);

/// <summary>
/// An entry as stored, with its place in the chain. <c>OccurredAt</c> stays the stored text (<see cref="Marketplace.Storage.StoredTimestamp"/>):
/// the hash covers it exactly as written.
/// </summary>
public sealed record AuditRecord(
    long Seq, string OccurredAt, string ActorUserId, string? ActorOrganisationId, string Action, string ObjectType,
    string ObjectId, string? BeforeJson, string? AfterJson, string PrevHash, string Hash);

/// <summary>The result of walking the chain: intact, or the first entry that was altered, inserted or deleted.</summary>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadSeq, string? Problem)
{
    public override string ToString() => Intact ? $"audit trail intact: {Entries} entries" : $"audit trail broken at entry {FirstBadSeq}: {Problem}";
}
