using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Marketplace.Storage;

/// <summary>
/// Opens connections to the configured engine and knows its dialect. One connection per unit of work:
/// open late, dispose early; pooling is the provider's job.
/// </summary>
public sealed class Database
{
    public Database(DatabaseEngine engine, string connectionString)
    {
        Engine = engine;
        ConnectionString = engine switch
        {
            DatabaseEngine.Sqlite => PrepareSqlite(connectionString),
            DatabaseEngine.Postgres => PreparePostgres(connectionString),
            _ => connectionString,
        };
        Dialect = engine switch
        {
            DatabaseEngine.Sqlite => new SqliteDialect(),
            DatabaseEngine.Postgres => new PostgresDialect(),
            DatabaseEngine.SqlServer => new SqlServerDialect(),
            _ => throw new ArgumentOutOfRangeException(nameof(engine)),
        };
        DapperSetup.EnsureRegistered();
    }

    public Database(DatabaseOptions options) : this(options.Engine, options.ConnectionString) { }

    public DatabaseEngine Engine { get; }
    public string ConnectionString { get; }
    public ISqlDialect Dialect { get; }

    public DbConnection Create() => Engine switch
    {
        DatabaseEngine.Sqlite => new SqliteConnection(ConnectionString),
        DatabaseEngine.Postgres => new NpgsqlConnection(ConnectionString),
        _ => new SqlConnection(ConnectionString),
    };

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = Create();
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (Engine == DatabaseEngine.Sqlite)
            {
                // Per-connection settings: enforce foreign keys, wait for the writer instead of failing at once.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// PostgreSQL defaults for a web workload, each only where the connection string does not say otherwise:
    /// statements used twice are prepared once per physical connection (parse and plan cost more than running the
    /// small indexed queries here), and a connection returned to the pool is not reset with a round trip (the
    /// platform keeps no session state: no SET, LISTEN or advisory locks outside a transaction).
    /// </summary>
    private static string PreparePostgres(string connectionString)
    {
        // The plain builder holds only the keys the string has (case-insensitive); the typed one knows every default.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] keys) => keys.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given("Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 200;
        if (!Given("Auto Prepare Min Usages", "AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        if (!Given("No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>Creates the folder of a SQLite file and switches the file to WAL so readers never wait for the writer.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            using var connection = new SqliteConnection(builder.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();
        }
        return builder.ConnectionString;
    }
}
