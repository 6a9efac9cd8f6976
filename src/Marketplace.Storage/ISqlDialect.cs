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

    /// <summary>
    /// "column {InList("ids")}" matches any value of the list parameter @ids. Dapper expands a list into one parameter per
    /// value (IN (@ids1, @ids2, ...)) except on PostgreSQL, where it binds the list as one array: "= ANY(@ids)".
    /// </summary>
    string InList(string parameter);

    /// <summary>
    /// Hint placed after the table name in a SELECT that locks the rows it reads until the transaction ends (SQL Server).
    /// <see cref="RowLock.Share"/> readers exclude a writer but not each other; <see cref="RowLock.Update"/> excludes both.
    /// </summary>
    string LockTableHint(RowLock mode);

    /// <summary>Clause placed at the end of such a SELECT (PostgreSQL: FOR SHARE / FOR UPDATE); empty elsewhere.</summary>
    string LockTrailingClause(RowLock mode);

    /// <summary>
    /// Statements that insert many rows at once and skip every row whose key exists, also when a concurrent transaction
    /// inserts the same key (the later one waits and skips; it never fails). Each statement returns
    /// <paramref name="returnColumn"/> of the rows it inserted (nothing when null). Keys must be distinct within one call.
    /// Engines bind differently (PostgreSQL: one array per column with unnest; the others: multi-row VALUES), and split
    /// the rows to stay within their parameter limits.
    /// </summary>
    IReadOnlyList<BulkStatement> InsertIgnoringDuplicates(
        string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<string> keyColumns, string? returnColumn);

    /// <summary>
    /// A statement that takes the exclusive lock named by the parameter @name for the session (held until released or
    /// the session ends, whatever transactions run) and returns whether it holds it: at once or not at all, or when
    /// <paramref name="wait"/>, as soon as it is free. Null on SQLite, which has no server sessions
    /// (<see cref="Database.LockAsync"/> locks a file beside the database there).
    /// </summary>
    string? SessionLock(bool wait);

    /// <summary>The statement that releases the session lock named by @name; null on SQLite.</summary>
    string? SessionUnlock { get; }
}

/// <summary>How <see cref="ISqlDialect.LockTableHint"/> locks rows it reads.</summary>
public enum RowLock
{
    Share,
    Update,
}

/// <summary>One column of a bulk insert: its name and its values, one per row, as a typed array (string[], long[], int[]).</summary>
public sealed record BulkColumn(string Name, Array Values);

/// <summary>A statement with positional-free named parameters, executed through plain ADO.NET so arrays bind as arrays.</summary>
public sealed class BulkStatement(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters)
{
    public string Sql { get; } = sql;
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; } = parameters;

    public System.Data.Common.DbCommand CreateCommand(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Transaction = transaction;
        foreach (var (name, value) in Parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }
}

internal static class DialectText
{
    public static string Parameters(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => "@" + c));

    public static int RowCount(IReadOnlyList<BulkColumn> columns)
    {
        if (columns.Count == 0) throw new ArgumentException("A bulk insert needs at least one column.", nameof(columns));
        var rows = columns[0].Values.Length;
        if (columns.Any(c => c.Values.Length != rows)) throw new ArgumentException("Every column needs one value per row.", nameof(columns));
        return rows;
    }

    /// <summary>Multi-row VALUES lists, split so that no statement binds more than <paramref name="maxParameters"/> values.</summary>
    public static IReadOnlyList<BulkStatement> ValuesChunks(IReadOnlyList<BulkColumn> columns, int maxParameters, Func<string, string> statement)
    {
        var rows = RowCount(columns);
        var perStatement = Math.Max(1, maxParameters / columns.Count);
        var statements = new List<BulkStatement>();
        for (var start = 0; start < rows; start += perStatement)
        {
            var end = Math.Min(rows, start + perStatement);
            var parameters = new List<KeyValuePair<string, object?>>((end - start) * columns.Count);
            var values = new System.Text.StringBuilder();
            for (var r = start; r < end; r++)
            {
                values.Append(r == start ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"@c{c}_{r - start}";
                    values.Append(c == 0 ? name : ", " + name);
                    parameters.Add(new(name, columns[c].Values.GetValue(r)));
                }
                values.Append(')');
            }
            statements.Add(new BulkStatement(statement(values.ToString()), parameters));
        }
        return statements;
    }
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
    public string InList(string parameter) => $"IN @{parameter}";
    // The one writer holds the database from BEGIN IMMEDIATE on: nothing to lock row by row.
    public string LockTableHint(RowLock mode) => "";
    public string LockTrailingClause(RowLock mode) => "";

    // 32766 is SQLite's default limit of bound variables per statement (since 3.32).
    public IReadOnlyList<BulkStatement> InsertIgnoringDuplicates(
        string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<string> keyColumns, string? returnColumn) =>
        DialectText.ValuesChunks(columns, 32_000, values =>
            $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES {values} " +
            $"ON CONFLICT ({string.Join(", ", keyColumns)}) DO NOTHING" + (returnColumn is null ? "" : $" RETURNING {returnColumn}"));

    public string? SessionLock(bool wait) => null;
    public string? SessionUnlock => null;
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
    public string InList(string parameter) => $"= ANY(@{parameter})";
    public string LockTableHint(RowLock mode) => "";
    public string LockTrailingClause(RowLock mode) => mode == RowLock.Share ? "FOR SHARE" : "FOR UPDATE";

    // One array per column: the statement text and its parameter count stay the same whatever the row count,
    // so the server plans it once and binding 1,000 rows costs as much as binding one.
    public IReadOnlyList<BulkStatement> InsertIgnoringDuplicates(
        string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<string> keyColumns, string? returnColumn)
    {
        DialectText.RowCount(columns);
        var names = string.Join(", ", columns.Select(c => c.Name));
        var arrays = string.Join(", ", columns.Select((_, i) => $"@a{i}"));
        var sql = $"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) " +
                  $"ON CONFLICT ({string.Join(", ", keyColumns)}) DO NOTHING" + (returnColumn is null ? "" : $" RETURNING {returnColumn}");
        return [new BulkStatement(sql, columns.Select((c, i) => new KeyValuePair<string, object?>($"@a{i}", c.Values)).ToList())];
    }

    // An advisory lock on the name's hash: held by the session, so it outlives the transactions the start-up steps commit.
    public string? SessionLock(bool wait) => wait
        ? "SELECT true FROM pg_advisory_lock(hashtext(@name))"
        : "SELECT pg_try_advisory_lock(hashtext(@name))";
    public string? SessionUnlock => "SELECT pg_advisory_unlock(hashtext(@name))";
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
    public string InList(string parameter) => $"IN @{parameter}";
    public string LockTableHint(RowLock mode) => mode == RowLock.Share ? "WITH (HOLDLOCK, ROWLOCK)" : "WITH (UPDLOCK, HOLDLOCK, ROWLOCK)";
    public string LockTrailingClause(RowLock mode) => "";

    // MERGE WITH (HOLDLOCK) takes a key-range lock, so two sessions inserting the same key serialise instead of
    // both passing a NOT EXISTS test; 2,100 parameters per request is SQL Server's limit.
    public IReadOnlyList<BulkStatement> InsertIgnoringDuplicates(
        string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<string> keyColumns, string? returnColumn)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        var on = string.Join(" AND ", keyColumns.Select(k => $"t.{k} = s.{k}"));
        var output = returnColumn is null ? "" : $" OUTPUT inserted.{returnColumn}";
        return DialectText.ValuesChunks(columns, 2_000, values =>
            $"MERGE {table} WITH (HOLDLOCK) AS t USING (VALUES {values}) AS s ({names}) ON {on} " +
            $"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({string.Join(", ", columns.Select(c => "s." + c.Name))}){output};");
    }

    // sp_getapplock returns 0 or 1 when granted, a negative code when not (timeout, deadlock victim, cancelled).
    public string? SessionLock(bool wait) =>
        "DECLARE @granted int; " +
        $"EXEC @granted = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = {(wait ? -1 : 0)}; " +
        "SELECT CAST(CASE WHEN @granted >= 0 THEN 1 ELSE 0 END AS bit);";
    public string? SessionUnlock => "EXEC sp_releaseapplock @Resource = @name, @LockOwner = 'Session';";
}
