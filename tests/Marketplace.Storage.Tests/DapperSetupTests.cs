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

    public sealed record Stamp(DateTimeOffset At, DateTimeOffset? Until);

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task A_timestamp_parameter_is_written_as_fixed_width_utc_text_and_reads_back_as_the_same_instant(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine, migrate: false);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync("CREATE TABLE stamps (at text NOT NULL, until text)");
        var at = new DateTimeOffset(2026, 11, 29, 11, 15, 0, TimeSpan.FromHours(1)).AddTicks(1234567);

        await c.ExecuteAsync("INSERT INTO stamps (at, until) VALUES (@at, @until)", new { at, until = (DateTimeOffset?)null });

        Assert.That(await c.QuerySingleAsync<string>("SELECT at FROM stamps"), Is.EqualTo("2026-11-29T10:15:00.1234567Z"));
        var read = await c.QuerySingleAsync<Stamp>("SELECT at, until FROM stamps");
        Assert.That(read, Is.EqualTo(new Stamp(at, null)));
        Assert.That(read.At.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task A_timestamp_parameter_compares_with_stored_text_by_time(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine, migrate: false);
        await using var c = await db.Database.OpenAsync();
        await c.ExecuteAsync("CREATE TABLE stamps (at text NOT NULL)");
        await c.ExecuteAsync("INSERT INTO stamps (at) VALUES ('2026-11-29T09:00:00.0000000Z'), ('2026-11-29T11:00:00.0000000Z')");

        var later = await c.QueryAsync<DateTimeOffset>("SELECT at FROM stamps WHERE at > @since",
            new { since = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(1)) });

        Assert.That(later, Is.EqualTo(new[] { new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero) }));
    }
}
