using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Audit;

/// <summary>
/// Appends to and verifies the hash-chained audit log. Each entry's hash is an HMAC over its content and the
/// previous entry's hash; the head row holds the last sequence number and hash, and updating it first serialises
/// concurrent appenders on every engine, so the chain never forks.
/// </summary>
public sealed class AuditTrail(Database database, IOptions<AuditOptions> options, TimeProvider clock)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.ChainKey);

    /// <summary>Appends an entry inside the caller's transaction; the entry is there if and only if the change commits.</summary>
    public async Task<AuditRecord> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry)
    {
        await connection.ExecuteAsync(AuditSql.ClaimHead, transaction: transaction);
        var head = await connection.QuerySingleAsync<(long LastSeq, string LastHash)>(AuditSql.ReadHead, transaction: transaction);
        var record = new AuditRecord(head.LastSeq, StoredTimestamp.Format(clock.GetUtcNow()), entry.ActorUserId, entry.ActorOrganisationId,
            entry.Action, entry.ObjectType, entry.ObjectId, entry.Before?.ToJsonString(), entry.After?.ToJsonString(), head.LastHash, "");
        record = record with { Hash = HashOf(record) };
        await connection.ExecuteAsync(AuditSql.Insert, record, transaction);
        await connection.ExecuteAsync(AuditSql.SetHeadHash, new { hash = record.Hash }, transaction);
        return record;
    }

    /// <summary>
    /// Appends several entries inside the caller's transaction, in order, moving the chain head once: a transaction that
    /// changes many objects holds the head lock for one step instead of one per entry.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0) return [];
        await connection.ExecuteAsync(AuditSql.ClaimHeadMany, new { n = entries.Count }, transaction);
        var head = await connection.QuerySingleAsync<(long LastSeq, string LastHash)>(AuditSql.ReadHead, transaction: transaction);
        var records = Chain(entries, head.LastSeq - entries.Count, head.LastHash);
        var prevHash = records[^1].Hash;
        if (records.Count == 1) await connection.ExecuteAsync(AuditSql.Insert, records[0], transaction);
        else
            await MultiRowInsert.ExecuteAsync(connection, transaction, "audit_log", AuditSql.InsertColumns, Rows(records));
        await connection.ExecuteAsync(AuditSql.SetHeadHash, new { hash = prevHash }, transaction);
        return records;
    }

    /// <summary>
    /// Synchronous <see cref="AppendAsync(DbConnection, DbTransaction, IReadOnlyList{AuditEntry})"/> for small batches, in two round
    /// trips: for callers that queue appenders in memory and want the head lock held without waiting for a thread in between.
    /// </summary>
    public IReadOnlyList<AuditRecord> Append(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0) return [];
        var head = connection.QuerySingle<(long LastSeq, string LastHash)>(AuditSql.ClaimHeadMany + ";\n" + AuditSql.ReadHead,
            new { n = entries.Count }, transaction);
        var records = Chain(entries, head.LastSeq - entries.Count, head.LastHash);
        var parameters = new DynamicParameters();
        parameters.Add("hash", records[^1].Hash);
        connection.Execute(MultiRowInsert.Statement("audit_log", AuditSql.InsertColumns, Rows(records), parameters) + ";\n" + AuditSql.SetHeadHash,
            parameters, transaction);
        return records;
    }

    private static List<object?[]> Rows(IEnumerable<AuditRecord> records) => records.Select(r => new object?[]
    {
        r.Seq, r.OccurredAt, r.ActorUserId, r.ActorOrganisationId, r.Action, r.ObjectType, r.ObjectId, r.BeforeJson, r.AfterJson, r.PrevHash, r.Hash,
    }).ToList();

    private List<AuditRecord> Chain(IReadOnlyList<AuditEntry> entries, long seqBefore, string prevHash)
    {
        var now = StoredTimestamp.Format(clock.GetUtcNow());
        var records = new List<AuditRecord>(entries.Count);
        foreach (var entry in entries)
        {
            var record = new AuditRecord(++seqBefore, now, entry.ActorUserId, entry.ActorOrganisationId, entry.Action, entry.ObjectType, entry.ObjectId,
                entry.Before?.ToJsonString(), entry.After?.ToJsonString(), prevHash, "");
            record = record with { Hash = HashOf(record) };
            prevHash = record.Hash;
            records.Add(record);
        }
        return records;
    }

    /// <summary>Appends one entry in a transaction of its own, for actions that change nothing else in the database.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var record = await AppendAsync(c, tx, entry);
        await tx.CommitAsync(ct);
        return record;
    }

    /// <summary>
    /// Walks the whole chain in order and names the first entry that does not fit: altered (its hash does not match
    /// its content), deleted (a gap in the sequence, or the link to the previous hash is broken), or inserted
    /// (an entry the head does not know of, or a sequence number twice).
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        // Head and entries from one consistent view: an entry appended while the chain is walked is not an insertion.
        // Repeatable read gives PostgreSQL and SQLite one snapshot; on SQL Server it holds the head row, which every
        // appender updates, so appends wait until the walk ends.
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var head = await c.QuerySingleAsync<(long LastSeq, string LastHash)>(AuditSql.ReadHead, transaction: tx);
        var expectedSeq = 1L;
        var prevHash = AuditSql.Genesis;
        long count = 0;
        await using var reader = await c.ExecuteReaderAsync(AuditSql.AllInOrder, transaction: tx);
        var parser = reader.GetRowParser<AuditRecord>();
        while (await reader.ReadAsync(ct))
        {
            var r = parser(reader);
            count++;
            if (r.Seq < expectedSeq) return Broken(r.Seq, count, "inserted: this sequence number appears twice");
            if (r.Seq > expectedSeq) return Broken(expectedSeq, count, $"deleted: entries {expectedSeq} to {r.Seq - 1} are missing");
            if (r.Seq > head.LastSeq) return Broken(r.Seq, count, "inserted: the chain head does not know this entry");
            if (HashOf(r) != r.Hash) return Broken(r.Seq, count, "altered: the content does not match its hash");
            if (r.PrevHash != prevHash) return Broken(r.Seq, count, "deleted or altered: the link to the previous entry is broken");
            prevHash = r.Hash;
            expectedSeq++;
        }
        if (expectedSeq - 1 < head.LastSeq) return Broken(expectedSeq, count, $"deleted: entries {expectedSeq} to {head.LastSeq} are missing");
        if (head.LastSeq > 0 && head.LastHash != prevHash) return Broken(head.LastSeq, count, "altered: the last entry does not match the chain head");
        return new AuditVerification(true, count, null, null);

        static AuditVerification Broken(long seq, long n, string problem) => new(false, n, seq, problem);
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<AuditRecord>(AuditSql.Filtered(query, database.Dialect), Parameters(query, query.Limit, 0))).ToList();
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterSeq"/>, oldest first, on the caller's connection and inside its transaction.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AfterAsync(DbConnection connection, DbTransaction? transaction, long afterSeq, int limit)
    {
        var all = new AuditQuery();
        return (await connection.QueryAsync<AuditRecord>(AuditSql.ExportPage(all, database.Dialect), Parameters(all, limit, afterSeq), transaction)).ToList();
    }

    /// <summary>Every entry the filter matches (its limit and offset are ignored), oldest first, read page by page.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        const int page = 1000;
        var sql = AuditSql.ExportPage(query, database.Dialect);
        var after = 0L;
        while (true)
        {
            List<AuditRecord> rows;
            await using (var c = await database.OpenAsync(ct))
                rows = (await c.QueryAsync<AuditRecord>(sql, Parameters(query with { Offset = 0 }, page, after))).ToList();
            foreach (var r in rows) yield return r;
            if (rows.Count < page) yield break;
            after = rows[^1].Seq;
        }
    }

    private static object Parameters(AuditQuery query, int limit, long afterSeq) => new
    {
        objectType = query.ObjectType, objectId = query.ObjectId, userId = query.UserId, orgId = query.OrganisationId,
        action = query.Action, from = query.From is { } f ? StoredTimestamp.Format(f) : null, to = query.To is { } t ? StoredTimestamp.Format(t) : null,
        limit, offset = query.Offset, afterSeq,
    };

    private string HashOf(AuditRecord r)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            r.Seq, r.OccurredAt, r.ActorUserId, r.ActorOrganisationId, r.Action, r.ObjectType, r.ObjectId, r.BeforeJson, r.AfterJson, r.PrevHash,
        });
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>An object's state for <see cref="AuditEntry"/>, its timestamps in the stored form as the trail has always held them.</summary>
    public static JsonNode? Snapshot<T>(T state) => JsonSerializer.SerializeToNode(state, SnapshotOptions);

    private static readonly JsonSerializerOptions SnapshotOptions = new() { Converters = { new StoredTimestamp.JsonConverter() } };
}

/// <summary>Filters for reading the audit log; all optional, combined with AND.</summary>
public sealed record AuditQuery(
    string? ObjectType = null, string? ObjectId = null, string? UserId = null, string? OrganisationId = null, string? Action = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 100, int Offset = 0);
