using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The dialect seam does the same thing on every engine.</summary>
public class SqlDialectTests
{
    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Upsert_inserts_then_updates_the_same_row(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        var sql = db.Database.Dialect.Upsert("themenfelder", ["id"], ["name", "name_en", "content_hash"]);
        await c.ExecuteAsync(sql, new { id = "t", name = "Alt", name_en = "Old", content_hash = "1" });
        await c.ExecuteAsync(sql, new { id = "t", name = "Neu", name_en = "New", content_hash = "2" });
        var rows = (await c.QueryAsync<(string Id, string Name)>("SELECT id, name FROM themenfelder")).ToList();
        Assert.That(rows, Is.EqualTo(new[] { ("t", "Neu") }));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Paging_takes_the_requested_slice_in_order(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync("INSERT INTO themenfelder (id, name, name_en, content_hash) VALUES (@id, @id, @id, 'h')",
            Enumerable.Range(0, 10).Select(i => new { id = $"t{i:00}" }));
        var page = await c.QueryAsync<string>(
            $"SELECT id FROM themenfelder ORDER BY id {db.Database.Dialect.Page("limit", "offset")}", new { limit = 3, offset = 4 });
        Assert.That(page, Is.EqualTo(new[] { "t04", "t05", "t06" }));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Insert_returning_gives_the_generated_key(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync(engine == DatabaseEngine.Sqlite
            ? "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)"
            : "CREATE TABLE probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)");
        var sql = db.Database.Dialect.InsertReturning("probe", ["name"], "id");
        var first = await c.ExecuteScalarAsync<long>(sql, new { name = "a" });
        var second = await c.ExecuteScalarAsync<long>(sql, new { name = "b" });
        Assert.That(second, Is.GreaterThan(first));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Bulk_insert_skips_existing_keys_and_returns_only_the_new_ones(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        var first = await InsertIgnoring(db, c, Themenfelder(3));
        var second = await InsertIgnoring(db, c, Themenfelder(5));
        Assert.That(first, Is.EquivalentTo(new[] { "t0", "t1", "t2" }));
        Assert.That(second, Is.EquivalentTo(new[] { "t3", "t4" }));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM themenfelder"), Is.EqualTo(5));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Bulk_insert_splits_rows_beyond_the_parameter_limit(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        var inserted = await InsertIgnoring(db, c, Themenfelder(9_000));
        Assert.That(inserted, Has.Count.EqualTo(9_000));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM themenfelder"), Is.EqualTo(9_000));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Concurrent_bulk_inserts_of_the_same_keys_insert_each_key_once(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var c = await db.Database.OpenAsync();
            await using var tx = await c.BeginTransactionAsync();
            var keys = await InsertIgnoring(db, c, Themenfelder(200), tx);
            await tx.CommitAsync();
            return keys;
        }));
        Assert.That(results.SelectMany(k => k), Is.EquivalentTo(Enumerable.Range(0, 200).Select(i => $"t{i}")));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Row_lock_clauses_run(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var d = db.Database.Dialect;
        await c.ExecuteAsync("INSERT INTO themenfelder (id, name, name_en, content_hash) VALUES ('t', 'n', 'n', 'h')", transaction: tx);
        foreach (var mode in new[] { RowLock.Share, RowLock.Update })
            Assert.That(await c.QuerySingleAsync<string>(
                $"SELECT id FROM themenfelder {d.LockTableHint(mode)} WHERE id = 't' {d.LockTrailingClause(mode)}", transaction: tx), Is.EqualTo("t"));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task In_list_matches_the_values_of_a_list_parameter(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync("INSERT INTO themenfelder (id, name, name_en, content_hash) VALUES (@id, @id, @id, 'h')",
            Enumerable.Range(0, 5).Select(i => new { id = $"t{i}" }));
        var found = await c.QueryAsync<string>(
            $"SELECT id FROM themenfelder WHERE id {db.Database.Dialect.InList("ids")} ORDER BY id", new { ids = new[] { "t1", "t3", "x" } });
        Assert.That(found, Is.EqualTo(new[] { "t1", "t3" }));
    }

    private static BulkColumn[] Themenfelder(int n)
    {
        var ids = Enumerable.Range(0, n).Select(i => $"t{i}").ToArray();
        return [new("id", ids), new("name", ids), new("name_en", ids), new("content_hash", ids.Select(_ => "h").ToArray())];
    }

    private static async Task<List<string>> InsertIgnoring(TestDatabase db, System.Data.Common.DbConnection c, BulkColumn[] columns,
        System.Data.Common.DbTransaction? tx = null)
    {
        var keys = new List<string>();
        foreach (var statement in db.Database.Dialect.InsertIgnoringDuplicates("themenfelder", columns, ["id"], "id"))
        {
            await using var command = statement.CreateCommand(c, tx);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        }
        return keys;
    }

    [Test]
    public void SQL_Server_dialect_statements_parse()
    {
        var d = new SqlServerDialect();
        string[] statements =
        [
            d.Upsert("themenfelder", ["id"], ["name", "name_en", "content_hash"]),
            d.Upsert("offering_laender", ["offering_id", "land_code"], []),
            $"SELECT id FROM themenfelder ORDER BY id {d.Page("limit", "offset")}",
            d.InsertReturning("probe", ["name"], "id"),
            $"SELECT TOP (10) id FROM themenfelder {d.ClaimTableHint} ORDER BY id",
            $"SELECT id FROM themenfelder {d.LockTableHint(RowLock.Share)} WHERE id = @id",
            // Dapper expands the list parameter before the statement reaches the server.
            $"SELECT id FROM themenfelder WHERE id {d.InList("ids")}".Replace("@ids", "(@ids1, @ids2)"),
            $"SELECT id FROM themenfelder {d.LockTableHint(RowLock.Update)} WHERE id = @id",
            .. d.InsertIgnoringDuplicates("themenfelder", Themenfelder(3), ["id"], "id").Select(s => s.Sql),
            .. d.InsertIgnoringDuplicates("themenfelder", Themenfelder(3), ["id"], null).Select(s => s.Sql),
            d.SessionLock(wait: false)!,
            d.SessionLock(wait: true)!,
            d.SessionUnlock!,
        ];
        foreach (var sql in statements)
        {
            new TSql160Parser(true).Parse(new StringReader(sql), out var errors);
            Assert.That(errors.Select(e => e.Message), Is.Empty, sql);
        }
    }
}
