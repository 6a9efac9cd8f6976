using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The three engines' migrations must define the same tables with the same columns.</summary>
public class MigrationSchemaTests
{
    [Test]
    public void Every_engine_has_the_same_migration_scripts()
    {
        var names = Enum.GetValues<DatabaseEngine>().Select(e => Migrator.Scripts(e).Select(s => s.Name).ToList()).ToList();
        Assert.That(names[0], Is.Not.Empty);
        Assert.That(names[1], Is.EqualTo(names[0]));
        Assert.That(names[2], Is.EqualTo(names[0]));
    }

    [Test]
    public void SQL_Server_scripts_parse_with_the_official_TSQL_parser()
    {
        foreach (var (name, sql) in Migrator.Scripts(DatabaseEngine.SqlServer))
        {
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.That(errors.Select(e => $"{name}:{e.Line}: {e.Message}"), Is.Empty);
        }
    }

    [Test]
    public async Task SQLite_and_SQL_Server_define_the_same_tables_and_columns()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        Assert.That(await Schema(db), Is.EqualTo(SqlServerSchema()));
    }

    [Test]
    public async Task PostgreSQL_and_SQLite_define_the_same_tables_and_columns()
    {
        if (!TestDatabase.Engines().Contains(DatabaseEngine.Postgres))
            Assert.Ignore($"PostgreSQL not configured ({TestDatabase.PostgresVariable}); CI runs this."); // never skipped under CI
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var postgres = await TestDatabase.CreateAsync(DatabaseEngine.Postgres);
        Assert.That(await Schema(postgres), Is.EqualTo(await Schema(sqlite)));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Migrating_twice_changes_nothing(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var before = await Schema(db);
        Migrator.Run(db.Database);
        Assert.That(await Schema(db), Is.EqualTo(before));
    }

    /// <summary>table → column names, from the live database; DbUp's own journal table is not ours.</summary>
    private static async Task<SortedDictionary<string, string>> Schema(TestDatabase db)
    {
        await using var c = await db.Database.OpenAsync();
        IEnumerable<(string Table, string Column)> rows = db.Engine switch
        {
            DatabaseEngine.Sqlite => await c.QueryAsync<(string, string)>(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"),
            _ => await c.QueryAsync<(string, string)>(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"),
        };
        return Group(rows.Where(r => !r.Table.Equals("schemaversions", StringComparison.OrdinalIgnoreCase)));
    }

    private static SortedDictionary<string, string> SqlServerSchema()
    {
        var rows = new List<(string, string)>();
        foreach (var (_, sql) in Migrator.Scripts(DatabaseEngine.SqlServer))
        {
            var fragment = new TSql160Parser(true).Parse(new StringReader(sql), out _);
            var visitor = new CreateTableVisitor();
            fragment.Accept(visitor);
            rows.AddRange(visitor.Columns);
            rows.RemoveAll(r => visitor.Dropped.Contains((r.Item1.ToLowerInvariant(), r.Item2.ToLowerInvariant()))
                                || visitor.DroppedTables.Contains(r.Item1.ToLowerInvariant()));
        }
        return Group(rows);
    }

    private static SortedDictionary<string, string> Group(IEnumerable<(string Table, string Column)> rows) =>
        new(rows.GroupBy(r => r.Table.ToLowerInvariant()).ToDictionary(g => g.Key, g => string.Join(",", g.Select(r => r.Column.ToLowerInvariant()))));

    /// <summary>
    /// Columns a script creates or adds (ALTER TABLE ... ADD), and columns and tables a later script drops (ALTER TABLE ...
    /// DROP COLUMN, DROP TABLE).
    /// </summary>
    private sealed class CreateTableVisitor : TSqlFragmentVisitor
    {
        public List<(string, string)> Columns { get; } = [];
        public HashSet<(string, string)> Dropped { get; } = [];
        public HashSet<string> DroppedTables { get; } = [];

        public override void Visit(DropTableStatement node)
        {
            foreach (var table in node.Objects) DroppedTables.Add(table.BaseIdentifier.Value.ToLowerInvariant());
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType is TableElementType.Column or TableElementType.NotSpecified))
                Dropped.Add((node.SchemaObjectName.BaseIdentifier.Value.ToLowerInvariant(), element.Name.Value.ToLowerInvariant()));
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
                Columns.Add((node.SchemaObjectName.BaseIdentifier.Value, column.ColumnIdentifier.Value));
        }

        public override void Visit(CreateTableStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
                Columns.Add((node.SchemaObjectName.BaseIdentifier.Value, column.ColumnIdentifier.Value));
        }
    }
}
