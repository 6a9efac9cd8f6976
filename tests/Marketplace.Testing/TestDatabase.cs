using Marketplace.Storage;
using Microsoft.Data.Sqlite;
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
    /// <paramref name="postgresAdmin"/> names another (a <see cref="PostgresCluster"/> of a fault test). A migrated one on
    /// the shared server is a copy of a database migrated once per test process (see <see cref="FromTemplateAsync"/>).</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseEngine engine, bool migrate = true, string? postgresAdmin = null)
    {
        if (migrate && postgresAdmin is null)
            return await FromTemplateAsync(engine, "migrated", db => { Migrator.Run(db.Database); return Task.CompletedTask; });
        var db = await CreateEmptyAsync(engine, postgresAdmin);
        if (migrate) Migrator.Run(db.Database);
        return db;
    }

    /// <summary>
    /// A database of <paramref name="engine"/> copied from a template that <paramref name="prepare"/> builds once per test
    /// process and <paramref name="key"/>: migrating and seeding cost 10–25 s, a copy a fraction of a second (SQLite by the
    /// backup API, PostgreSQL by <c>CREATE DATABASE … TEMPLATE</c>). The key must name everything the preparation depends
    /// on (host type, settings), so differently prepared databases never share a template. With
    /// MARKETPLACE_TEST_TEMPLATES=off every call prepares a fresh database instead, as a check that copies change nothing.
    /// </summary>
    public static async Task<TestDatabase> FromTemplateAsync(DatabaseEngine engine, string key, Func<TestDatabase, Task> prepare)
    {
        if (!TemplatesEnabled)
        {
            var fresh = await CreateEmptyAsync(engine, null);
            await TestTiming.TimeAsync($"{engine} prepare {key}", () => prepare(fresh));
            return fresh;
        }
        Lazy<Task<TestDatabase>> template;
        lock (Templates)
        {
            if (!Templates.TryGetValue((engine, key), out template!))
                Templates[(engine, key)] = template = new(() => BuildTemplateAsync(engine, key, prepare));
        }
        var source = await template.Value;
        return await TestTiming.TimeAsync($"{engine} copy {key}", () => CopyAsync(source));
    }

    /// <summary>
    /// The template key of a host of <paramref name="kind"/> started with <paramref name="settings"/>: every setting except
    /// those that only steer the running host (roles, limits, timings, issuer, logging, tracing, the index refresh, the https
    /// rule for status URLs that vendor uploads and the prober apply but the seed does not) or that every start writes anew (the web client's
    /// redirect URIs, which the identity bootstrap updates at each start). A host on a copy prepares its
    /// database again with all its settings (migrations find nothing to do, the seeders are idempotent), so settings
    /// left out here still take effect; the ones kept could change what a seeder leaves behind.
    /// </summary>
    public static string TemplateKey(string kind, IEnumerable<KeyValuePair<string, string?>>? settings) =>
        string.Join("|", new[] { kind }.Concat((settings ?? [])
            .Where(s => !RunningHostOnly.Any(prefix => s.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).Select(s => $"{s.Key}={s.Value}")));

    private static readonly string[] RunningHostOnly =
    [
        "Instance:Role", "Limits:", "Notifications:", "Provisioning:", "Logging:", "Hosting:", "Identity:Server:Issuer",
        "Identity:Server:WebClient", "Identity:Server:TokenEntryCheckSeconds", "Identity:LoginAttemptsPerMinute", "Identity:TokenRequestsPerMinute",
        "Conformance:RunDailyJob", "Catalog:AllowHttpStatusUrls", "Catalog:RefreshInterval", "Telemetry:",
        // The forwarded-headers rules and the public address of links in mails: read by requests, never by a seeder or a
        // worker. (SampleBroker: stays in the key: a seeding host with a broker runs the workers that talk to it.)
        "FORWARDEDHEADERS_ENABLED", "https_port", "Identity:PublicBaseUrl",
    ];

    private static bool TemplatesEnabled =>
        !string.Equals(Environment.GetEnvironmentVariable("MARKETPLACE_TEST_TEMPLATES"), "off", StringComparison.OrdinalIgnoreCase);

    private static readonly Dictionary<(DatabaseEngine, string), Lazy<Task<TestDatabase>>> Templates = [];

    private static async Task<TestDatabase> BuildTemplateAsync(DatabaseEngine engine, string key, Func<TestDatabase, Task> prepare)
    {
        var template = await CreateEmptyAsync(engine, null, "mp_tmpl_");
        await TestTiming.TimeAsync($"{engine} template {key}", () => prepare(template));
        if (engine == DatabaseEngine.Postgres)
        {
            // CREATE DATABASE … TEMPLATE refuses a source with sessions: close ours and let no new one in.
            var name = new NpgsqlConnectionStringBuilder(template.Database.ConnectionString).Database!;
            await using (var c = new NpgsqlConnection(template.Database.ConnectionString)) NpgsqlConnection.ClearPool(c);
            await AdminAsync(PostgresConnectionString!, $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; "
                + $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        }
        else
        {
            await using var c = new SqliteConnection(template.Database.ConnectionString);
            SqliteConnection.ClearPool(c);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => template.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return template;
    }

    private static readonly SemaphoreSlim SqliteCopies = new(1, 1);

    private static async Task<TestDatabase> CopyAsync(TestDatabase template)
    {
        if (template.Engine == DatabaseEngine.Sqlite)
        {
            var folder = ScratchFolder.Create("marketplace-test-");
            var file = Path.Combine(folder, "test.db");
            // The backup API copies a consistent image whatever the template's WAL holds; no pooling, so no handle stays open.
            // One copy at a time: a connection opening the WAL template rebuilds its index, and a second one opening it
            // meanwhile fails at once with SQLITE_BUSY_RECOVERY (the backup API does not wait), as CI saw.
            await SqliteCopies.WaitAsync();
            try
            {
                await using var from = new SqliteConnection(new SqliteConnectionStringBuilder(template.Database.ConnectionString) { Pooling = false }.ToString());
                await using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
                await from.OpenAsync();
                await to.OpenAsync();
                from.BackupDatabase(to);
            }
            finally { SqliteCopies.Release(); }
            return Sqlite(folder);
        }
        var admin = PostgresConnectionString!;
        var name = NewName("mp_test_");
        var source = new NpgsqlConnectionStringBuilder(template.Database.ConnectionString).Database!;
        await CreatePostgresDatabaseAsync(admin, name, source);
        return Postgres(admin, name);
    }

    private static async Task<TestDatabase> CreateEmptyAsync(DatabaseEngine engine, string? postgresAdmin, string prefix = "mp_test_")
    {
        switch (engine)
        {
            case DatabaseEngine.Sqlite:
                return Sqlite(ScratchFolder.Create("marketplace-test-"));
            case DatabaseEngine.Postgres:
                var admin = postgresAdmin ?? PostgresConnectionString
                    ?? throw new InvalidOperationException($"CI=true but {PostgresVariable} is not set: the PostgreSQL tests must run in CI.");
                var name = NewName(prefix);
                await CreatePostgresDatabaseAsync(admin, name, "template1");
                return Postgres(admin, name);
            default:
                throw new NotSupportedException($"{engine} is not run by the tests; its scripts are parsed instead.");
        }
    }

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static TestDatabase Sqlite(string folder)
    {
        var database = new Database(DatabaseEngine.Sqlite, $"Data Source={Path.Combine(folder, "test.db")}");
        return new TestDatabase(database, folder, () =>
        {
            // Only this database's pool: clearing all would close the connections of fixtures running beside this one.
            using (var c = new SqliteConnection(database.ConnectionString)) SqliteConnection.ClearPool(c);
            try { Directory.Delete(folder, true); } catch (IOException) { }
            return Task.CompletedTask;
        });
    }

    private static TestDatabase Postgres(string admin, string name)
    {
        var database = new Database(DatabaseEngine.Postgres, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
        return new TestDatabase(database, null, async () =>
        {
            await using (var c = new NpgsqlConnection(database.ConnectionString)) NpgsqlConnection.ClearPool(c);
            await AdminAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    /// <summary>
    /// A copy of <paramref name="template"/>. PostgreSQL 15 copies block by block through the write-ahead log by default,
    /// which spares a busy production server a checkpoint but cost the test server about 0.3 CPU-seconds more per copy
    /// of a 30 MB template than copying the files (some 250 copies a run). The test server syncs nothing anyway.
    /// </summary>
    private static async Task CreatePostgresDatabaseAsync(string admin, string name, string template)
    {
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        var strategy = c.PostgreSqlVersion.Major >= 15 ? " STRATEGY FILE_COPY" : "";
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {template}{strategy}", c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
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
