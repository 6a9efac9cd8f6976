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

    [Test]
    public void SQL_Server_dialect_statements_parse()
    {
        var d = new SqlServerDialect();
        var statements = new[]
        {
            d.Upsert("themenfelder", ["id"], ["name", "name_en", "content_hash"]),
            d.Upsert("offering_laender", ["offering_id", "land_code"], []),
            $"SELECT id FROM themenfelder ORDER BY id {d.Page("limit", "offset")}",
            d.InsertReturning("probe", ["name"], "id"),
            $"SELECT TOP (10) id FROM themenfelder {d.ClaimTableHint} ORDER BY id",
        };
        foreach (var sql in statements)
        {
            new TSql160Parser(true).Parse(new StringReader(sql), out var errors);
            Assert.That(errors.Select(e => e.Message), Is.Empty, sql);
        }
    }
}
