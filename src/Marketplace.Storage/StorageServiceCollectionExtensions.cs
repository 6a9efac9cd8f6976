using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured <see cref="Database"/> (section "Database": Engine, ConnectionString), the start-up lock, its migration at start-up and its health check.</summary>
    public static IServiceCollection AddMarketplaceStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(new Database(options));
        services.AddSingleton<IStartupLock, DatabaseStartupLock>();
        services.AddStartupStep<MigrateOnStartStep>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [StartupSteps.ReadyTag]);
        return services;
    }
}
