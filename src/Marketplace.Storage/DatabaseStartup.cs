using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Marketplace.Storage;

/// <summary>Migrates the database at start-up unless Database:MigrateOnStart is false (a separate `migrate` run owns it then).</summary>
public sealed class MigrateOnStartStep(Database database, IConfiguration configuration, ILogger<MigrateOnStartStep> logger) : IStartupStep
{
    public int Order => StartupOrder.Schema;

    public Task RunAsync(CancellationToken ct)
    {
        if (configuration.GetValue("Database:MigrateOnStart", true)) Migrator.Run(database, logger);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The start-up lock of every instance on the configured database: one runs its start-up steps while the others wait, so
/// instances started together (a rolling deployment, a scaled-out start) never insert the same seed rows twice.
/// </summary>
public sealed class DatabaseStartupLock(Database database, ILogger<DatabaseStartupLock> logger) : IStartupLock
{
    public const string Name = "marketplace-startup";

    public Task<IAsyncDisposable> AcquireAsync(CancellationToken ct) =>
        database.LockAsync(Name, () => logger.LogInformation("Waiting for another instance's start-up to finish ({Engine} lock {Lock})", database.Engine, Name), ct);
}

/// <summary>Ready only while the database answers.</summary>
public sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var c = await database.OpenAsync(ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT 1";
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy($"{database.Engine} reachable");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"{database.Engine} unreachable", e);
        }
    }
}
