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
    /// Holds the database-wide exclusive lock <paramref name="name"/> until the result is disposed, across every process on
    /// this database; calls <paramref name="waiting"/> once if another holder makes it wait. Server engines take a session
    /// lock (<see cref="ISqlDialect.SessionLock"/>) on a connection of its own, outside the pool, so a session that
    /// still holds it never serves other work; SQLite locks a file beside the database file, which leaves the database's own
    /// locking to the work done meanwhile.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(string name, Action waiting, CancellationToken ct)
    {
        if (Engine == DatabaseEngine.Sqlite) return await LockFileAsync(name, waiting, ct);
        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString, ["Pooling"] = false };
        var connection = Create();
        connection.ConnectionString = builder.ConnectionString;
        try
        {
            await connection.OpenAsync(ct);
            if (!await SessionCommandAsync(connection, Dialect.SessionLock(wait: false)!, name, ct))
            {
                waiting();
                if (!await SessionCommandAsync(connection, Dialect.SessionLock(wait: true)!, name, ct))
                    throw new InvalidOperationException($"The database refused the lock {name}.");
            }
            return new SessionLockHeld(connection, Dialect.SessionUnlock!, name);
        }
        catch
        {
            // Closing the unpooled connection ends the session and with it any lock it got.
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> SessionCommandAsync(DbConnection connection, string sql, string name, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0; // waiting for the lock takes as long as the holder's start-up; the token ends it
        var parameter = command.CreateParameter();
        parameter.ParameterName = "name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(ct));
    }

    private sealed class SessionLockHeld(DbConnection connection, string unlock, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (connection) await SessionCommandAsync(connection, unlock, name, CancellationToken.None);
        }
    }

    private async Task<IAsyncDisposable> LockFileAsync(string name, Action waiting, CancellationToken ct)
    {
        var source = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || new SqliteConnectionStringBuilder(ConnectionString).Mode == SqliteOpenMode.Memory)
            throw new NotSupportedException("A lock across processes needs a database file; an in-memory database has none.");
        var path = Path.GetFullPath(source) + "." + name + ".lock";
        for (var waited = false; ; waited = true)
        {
            try
            {
                // FileShare.None takes an exclusive lock of the file that other processes see (flock on Linux and macOS).
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!waited) waiting();
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }

    /// <summary>
    /// PostgreSQL defaults for a web workload, each only where the connection string does not say otherwise:
    /// statements used twice are prepared once per physical connection (parse and plan cost more than running the
    /// small indexed queries here), and a connection returned to the pool is not reset with a round trip (the
    /// platform keeps no session state: no SET, LISTEN or advisory locks outside a transaction on a pooled connection).
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
