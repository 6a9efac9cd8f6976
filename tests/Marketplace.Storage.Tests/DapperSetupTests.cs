using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>SQL names columns as the schema does; records read them without a PascalCase alias.</summary>
public class DapperSetupTests
{
    public sealed record ThemenfeldThroughConstructor(string Id, string NameEn, string ContentHash);

    public sealed class ThemenfeldThroughProperties
    {
        public string Id { get; init; } = "";
        public string NameEn { get; init; } = "";
        public string ContentHash { get; init; } = "";
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Snake_case_columns_fill_constructor_parameters_and_settable_properties(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync("INSERT INTO themenfelder (id, name, name_en, content_hash) VALUES ('t', 'Neu', 'New', 'h')");
        const string sql = "SELECT id, name_en, content_hash FROM themenfelder";

        var record = await c.QuerySingleAsync<ThemenfeldThroughConstructor>(sql);
        var row = await c.QuerySingleAsync<ThemenfeldThroughProperties>(sql);

        Assert.That(record, Is.EqualTo(new ThemenfeldThroughConstructor("t", "New", "h")));
        Assert.That((row.Id, row.NameEn, row.ContentHash), Is.EqualTo(("t", "New", "h")));
    }
}
