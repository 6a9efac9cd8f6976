using Marketplace.Storage;
using Npgsql;

namespace Marketplace.Testing;

/// <summary>
/// A fresh, empty database of one engine for one test fixture. SQLite always; PostgreSQL when
/// MARKETPLACE_TEST_POSTGRES holds a connection string (each fixture gets a database of its own, dropped afterwards).
/// Under CI=true PostgreSQL is required: a missing or unreachable server fails the tests, it never skips them.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "MARKETPLACE_TEST_POSTGRES";

    private readonly Func<Task> _drop;

    private TestDatabase(Database database, string? folder, Func<Task> drop)
    {
        Database = database;
        Folder = folder;
        _drop = drop;
    }

    public Database Database { get; }
    public DatabaseEngine Engine => Database.Engine;

    /// <summary>The temporary folder of a SQLite database; null for server engines.</summary>
    public string? Folder { get; }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    /// <summary>The engines data tests run on here: SQLite, and PostgreSQL when configured or under CI.</summary>
    public static IEnumerable<DatabaseEngine> Engines()
    {
        yield return DatabaseEngine.Sqlite;
        if (PostgresConnectionString is not null || IsCi) yield return DatabaseEngine.Postgres;
    }

    /// <summary>
    /// For tests that only mean something on PostgreSQL (host processes on one server, server restarts): ignored on a
    /// developer machine without PostgreSQL, never under CI, where <see cref="Engines"/> always includes PostgreSQL and
    /// creating its database fails loudly when the server is missing.
    /// </summary>
    public static void RequirePostgres()
    {
        if (!Engines().Contains(DatabaseEngine.Postgres))
            // Ignored only without a server on a developer machine: under CI=true Engines() always has PostgreSQL, so this
            // line is never reached there and a missing server fails the test when its database is created.
            NUnit.Framework.Assert.Ignore($"PostgreSQL not configured ({PostgresVariable}); CI always runs this test.");
    }

    /// <summary>A fresh database of <paramref name="engine"/>; PostgreSQL ones on the shared test server unless
    /// <paramref name="postgresAdmin"/> names another (a <see cref="PostgresCluster"/> of a fault test).</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseEngine engine, bool migrate = true, string? postgresAdmin = null)
    {
        TestDatabase db;
        switch (engine)
        {
            case DatabaseEngine.Sqlite:
                var folder = Directory.CreateTempSubdirectory("marketplace-test-").FullName;
                db = new TestDatabase(new Database(DatabaseEngine.Sqlite, $"Data Source={Path.Combine(folder, "test.db")}"), folder, () =>
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    try { Directory.Delete(folder, true); } catch (IOException) { }
                    return Task.CompletedTask;
                });
                break;
            case DatabaseEngine.Postgres:
                var admin = postgresAdmin ?? PostgresConnectionString
                    ?? throw new InvalidOperationException($"CI=true but {PostgresVariable} is not set: the PostgreSQL tests must run in CI.");
                var name = "mp_test_" + Guid.NewGuid().ToString("N")[..12];
                await using (var c = new NpgsqlConnection(admin))
                {
                    await c.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
                    await cmd.ExecuteNonQueryAsync();
                }
                var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
                db = new TestDatabase(new Database(DatabaseEngine.Postgres, builder.ConnectionString), null, async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var c = new NpgsqlConnection(admin);
                    await c.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
                    await cmd.ExecuteNonQueryAsync();
                });
                break;
            default:
                throw new NotSupportedException($"{engine} is not run by the tests; its scripts are parsed instead.");
        }
        if (migrate) Migrator.Run(db.Database);
        return db;
    }

    /// <summary>The host settings that put the in-memory app on this database with the repo's catalogue seeded at start.</summary>
    public IReadOnlyDictionary<string, string> HostSettings() => new Dictionary<string, string>
    {
        ["Database:Engine"] = Engine.ToString(),
        ["Database:ConnectionString"] = Database.ConnectionString,
        ["Catalog:Path"] = RepoPaths.Catalog,
        ["Catalog:SeedOnStart"] = "true",
    };

    public ValueTask DisposeAsync() => new(_drop());
}
