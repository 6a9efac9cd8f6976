namespace Marketplace.Storage;

/// <summary>
/// The one seam for what differs between the engines. Everything else is plain, portable SQL
/// kept next to the module that owns it.
/// </summary>
public interface ISqlDialect
{
    DatabaseEngine Engine { get; }

    /// <summary>Clause appended after ORDER BY to take <paramref name="limitParameter"/> rows after skipping <paramref name="offsetParameter"/>.</summary>
    string Page(string limitParameter, string offsetParameter);

    /// <summary>An insert that updates <paramref name="updateColumns"/> when a row with the same key exists.</summary>
    string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> updateColumns);

    /// <summary>An insert that returns the generated value of <paramref name="idColumn"/>.</summary>
    string InsertReturning(string table, IReadOnlyList<string> columns, string idColumn);

    /// <summary>
    /// Hint placed after the table name in a SELECT that claims rows for work: locks them and skips rows
    /// another transaction holds (SQL Server). Empty where the engine does it with a trailing clause.
    /// </summary>
    string ClaimTableHint { get; }

    /// <summary>Clause placed at the end of a SELECT that claims rows (PostgreSQL); empty elsewhere.</summary>
    string ClaimTrailingClause { get; }
}

internal static class DialectText
{
    public static string Parameters(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => "@" + c));
}

/// <summary>SQLite: one writer at a time, so claiming needs no lock hints (BEGIN IMMEDIATE serialises claimers).</summary>
public sealed class SqliteDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.Sqlite;
    public string Page(string limitParameter, string offsetParameter) => $"LIMIT @{limitParameter} OFFSET @{offsetParameter}";
    public string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({string.Join(", ", keyColumns.Concat(updateColumns))}) VALUES ({DialectText.Parameters(keyColumns.Concat(updateColumns))}) " +
        $"ON CONFLICT ({string.Join(", ", keyColumns)}) DO " +
        (updateColumns.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}")));
    public string InsertReturning(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({DialectText.Parameters(columns)}) RETURNING {idColumn}";
    public string ClaimTableHint => "";
    public string ClaimTrailingClause => "";
}

/// <summary>PostgreSQL: ON CONFLICT upserts, RETURNING, and FOR UPDATE SKIP LOCKED for claiming work.</summary>
public sealed class PostgresDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.Postgres;
    public string Page(string limitParameter, string offsetParameter) => $"LIMIT @{limitParameter} OFFSET @{offsetParameter}";
    public string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> updateColumns) =>
        new SqliteDialect().Upsert(table, keyColumns, updateColumns);
    public string InsertReturning(string table, IReadOnlyList<string> columns, string idColumn) =>
        new SqliteDialect().InsertReturning(table, columns, idColumn);
    public string ClaimTableHint => "";
    public string ClaimTrailingClause => "FOR UPDATE SKIP LOCKED";
}

/// <summary>SQL Server: OFFSET/FETCH, MERGE with HOLDLOCK for upserts, OUTPUT INSERTED, UPDLOCK/READPAST for claiming.</summary>
public sealed class SqlServerDialect : ISqlDialect
{
    public DatabaseEngine Engine => DatabaseEngine.SqlServer;
    public string Page(string limitParameter, string offsetParameter) => $"OFFSET @{offsetParameter} ROWS FETCH NEXT @{limitParameter} ROWS ONLY";
    public string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> updateColumns)
    {
        var all = keyColumns.Concat(updateColumns).ToList();
        var source = string.Join(", ", all.Select(c => $"@{c} AS {c}"));
        var on = string.Join(" AND ", keyColumns.Select(c => $"t.{c} = s.{c}"));
        var update = updateColumns.Count == 0 ? "" :
            "WHEN MATCHED THEN UPDATE SET " + string.Join(", ", updateColumns.Select(c => $"t.{c} = s.{c}")) + " ";
        return $"MERGE {table} WITH (HOLDLOCK) AS t USING (SELECT {source}) AS s ON {on} {update}" +
               $"WHEN NOT MATCHED THEN INSERT ({string.Join(", ", all)}) VALUES ({string.Join(", ", all.Select(c => "s." + c))});";
    }
    public string InsertReturning(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) OUTPUT INSERTED.{idColumn} VALUES ({DialectText.Parameters(columns)})";
    public string ClaimTableHint => "WITH (UPDLOCK, READPAST, ROWLOCK)";
    public string ClaimTrailingClause => "";
}
