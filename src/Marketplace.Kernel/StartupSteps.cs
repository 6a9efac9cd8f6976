using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Kernel;

/// <summary>
/// Work a module needs done before the host serves its first request (schema, seed data, accounts, indexes). Modules
/// register their steps; the host runs them one after another by <see cref="Order"/>, lowest first, each in one scope.
/// </summary>
public interface IStartupStep
{
    /// <summary>When the step runs: one of <see cref="StartupOrder"/>, the phase whose results it needs before it.</summary>
    int Order { get; }

    Task RunAsync(CancellationToken ct);
}

/// <summary>
/// Held by one instance at a time while it runs the start-up steps: the steps check, then act (a role that does not exist
/// is created), so instances starting together on one database would otherwise insert the same rows. The storage module
/// provides it for the configured database.
/// </summary>
public interface IStartupLock
{
    /// <summary>Waits until no other instance holds the lock, then holds it until the result is disposed.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken ct);
}

/// <summary>The phases of start-up, in the order they run; a step belongs to the first phase whose predecessors it needs.</summary>
public static class StartupOrder
{
    /// <summary>The database schema (migrations).</summary>
    public const int Schema = 100;

    /// <summary>Reference data read by the rest: the catalogue and the municipality directory.</summary>
    public const int ReferenceData = 200;

    /// <summary>Roles, OpenID Connect clients and the demo accounts, which name seeded vendors and municipalities.</summary>
    public const int Accounts = 300;

    /// <summary>In-memory indexes over the data, built once everything they index is there.</summary>
    public const int Indexes = 400;
}

public static class StartupSteps
{
    /// <summary>The health-check tag of what must be up before the host takes traffic (/health/ready).</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddStartupStep<TStep>(this IServiceCollection services) where TStep : class, IStartupStep =>
        services.AddScoped<IStartupStep, TStep>();

    /// <summary>
    /// Runs every registered step in order under the <see cref="IStartupLock"/>; a failing step stops the start (the host
    /// must not serve half-prepared). An instance that waited for another's start finds its steps' work done.
    /// </summary>
    public static async Task RunStartupStepsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var held = await services.GetRequiredService<IStartupLock>().AcquireAsync(ct);
        await using var scope = services.CreateAsyncScope();
        foreach (var step in scope.ServiceProvider.GetServices<IStartupStep>().OrderBy(s => s.Order))
            await step.RunAsync(ct);
    }
}
