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
