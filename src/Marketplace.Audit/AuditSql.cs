using Marketplace.Storage;

namespace Marketplace.Audit;

internal static class AuditSql
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Moving the head first takes its row lock: appenders queue here, in commit order.</summary>
    public const string ClaimHead = "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1";

    public const string ClaimHeadMany = "UPDATE audit_head SET last_seq = last_seq + @n WHERE id = 1";

    public const string ReadHead = "SELECT last_seq, last_hash FROM audit_head WHERE id = 1";

    public const string SetHeadHash = "UPDATE audit_head SET last_hash = @hash WHERE id = 1";

    public static readonly IReadOnlyList<string> InsertColumns =
        ["seq", "occurred_at", "actor_user_id", "actor_org_id", "action", "object_type", "object_id", "before_json", "after_json", "prev_hash", "hash"];

    public const string Insert = """
        INSERT INTO audit_log (seq, occurred_at, actor_user_id, actor_org_id, action, object_type, object_id, before_json, after_json, prev_hash, hash)
        VALUES (@Seq, @OccurredAt, @ActorUserId, @ActorOrganisationId, @Action, @ObjectType, @ObjectId, @BeforeJson, @AfterJson, @PrevHash, @Hash)
        """;

    private const string Columns = """
        seq, occurred_at, actor_user_id, actor_org_id AS ActorOrganisationId, action,
        object_type, object_id, before_json, after_json, prev_hash, hash
        """;

    public const string AllInOrder = $"SELECT {Columns} FROM audit_log ORDER BY seq";

    public static string Filtered(AuditQuery q, ISqlDialect dialect) =>
        $"SELECT {Columns} FROM audit_log {Where(q)} ORDER BY seq DESC {dialect.Page("limit", "offset")}";

    /// <summary>The next page of an export, oldest first, after a sequence number: appends while exporting neither shift nor repeat rows.</summary>
    public static string ExportPage(AuditQuery q, ISqlDialect dialect)
    {
        var where = Where(q);
        where = (where.Length == 0 ? "WHERE " : where + " AND ") + "seq > @afterSeq";
        return $"SELECT {Columns} FROM audit_log {where} ORDER BY seq {dialect.Page("limit", "offset")}";
    }

    private static string Where(AuditQuery q)
    {
        var where = new List<string>();
        if (q.ObjectType is not null) where.Add("object_type = @objectType");
        if (q.ObjectId is not null) where.Add("object_id = @objectId");
        if (q.UserId is not null) where.Add("actor_user_id = @userId");
        if (q.OrganisationId is not null) where.Add("actor_org_id = @orgId");
        if (q.Action is not null) where.Add("action = @action");
        if (q.From is not null) where.Add("occurred_at >= @from");
        if (q.To is not null) where.Add("occurred_at < @to");
        return where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
    }
}
