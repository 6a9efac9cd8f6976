using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using Microsoft.Extensions.Logging;

namespace Marketplace.Storage;

/// <summary>
/// Runs the versioned SQL scripts of the configured engine (Migrations/&lt;Engine&gt;/*.sql, named
/// YYYY-MM-DD_NN_Description.sql) with DbUp, each script in its own transaction, once.
/// </summary>
public static class Migrator
{
    public static string ScriptFolder(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Sqlite => "Sqlite",
        DatabaseEngine.Postgres => "Postgres",
        _ => "SqlServer",
    };

    /// <summary>The embedded scripts of one engine, in the order they run: name and text.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts(DatabaseEngine engine)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{ScriptFolder(engine)}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (n[prefix.Length..], reader.ReadToEnd());
            })
            .ToList();
    }

    public static void Run(Database database, ILogger? logger = null)
    {
        UpgradeEngineBuilder builder = database.Engine switch
        {
            DatabaseEngine.Sqlite => DeployChanges.To.SqliteDatabase(database.ConnectionString),
            DatabaseEngine.Postgres => DeployChanges.To.PostgresqlDatabase(database.ConnectionString),
            _ => DeployChanges.To.SqlDatabase(database.ConnectionString),
        };
        var scripts = Scripts(database.Engine).Select(s => new SqlScript(s.Name, s.Sql));
        builder = builder.WithScripts(scripts).WithTransactionPerScript();
        builder = logger is null ? builder.LogToNowhere() : builder.LogTo(new DbUpLogger(logger));
        var result = builder.Build().PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
    }

    private sealed class DbUpLogger(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
