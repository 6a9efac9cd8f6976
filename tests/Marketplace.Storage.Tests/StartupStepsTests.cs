using Marketplace.Kernel;
using Marketplace.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>Modules register their start-up steps; the host runs them by phase, whatever order the modules were added in.</summary>
public class StartupStepsTests
{
    private sealed class Ran : List<string>;

    private sealed class IndexStep(Ran ran) : IStartupStep
    {
        public int Order => StartupOrder.Indexes;
        public Task RunAsync(CancellationToken ct) { ran.Add("index"); return Task.CompletedTask; }
    }

    private sealed class AccountsStep(Ran ran) : IStartupStep
    {
        public int Order => StartupOrder.Accounts;
        public Task RunAsync(CancellationToken ct) { ran.Add("accounts"); return Task.CompletedTask; }
    }

    private sealed class FailingSeedStep(Ran ran) : IStartupStep
    {
        public int Order => StartupOrder.ReferenceData;
        public Task RunAsync(CancellationToken ct) { ran.Add("seed"); throw new InvalidOperationException("catalogue invalid"); }
    }

    private static ServiceProvider Services(string database, params Type[] steps)
    {
        var services = new ServiceCollection().AddSingleton<Ran>().AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Engine"] = "Sqlite", ["Database:ConnectionString"] = $"Data Source={database}",
        }).Build();
        services.AddSingleton<IConfiguration>(configuration);
        foreach (var step in steps) services.AddScoped(typeof(IStartupStep), step);
        services.AddMarketplaceStorage(configuration);
        return services.BuildServiceProvider();
    }

    [Test]
    public async Task Steps_run_by_phase_after_the_schema_whatever_order_modules_registered_them()
    {
        var folder = Directory.CreateTempSubdirectory("startup-steps-");
        await using var services = Services(Path.Combine(folder.FullName, "m.db"), typeof(IndexStep), typeof(AccountsStep));

        await services.RunStartupStepsAsync();

        Assert.That(services.GetRequiredService<Ran>(), Is.EqualTo(new[] { "accounts", "index" }));
        // The storage module's own step migrated the database before them, and its readiness check sees it.
        var check = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single(r => r.Name == "database");
        Assert.That(check.Tags, Does.Contain(StartupSteps.ReadyTag));
        var result = await check.Factory(services).CheckHealthAsync(new HealthCheckContext { Registration = check });
        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
        await using var c = await services.GetRequiredService<Database>().OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM offerings";
        Assert.That(await cmd.ExecuteScalarAsync(), Is.EqualTo(0L));
    }

    [Test]
    public async Task A_failing_step_stops_the_start_before_the_later_phases()
    {
        var folder = Directory.CreateTempSubdirectory("startup-steps-");
        await using var services = Services(Path.Combine(folder.FullName, "m.db"), typeof(IndexStep), typeof(FailingSeedStep), typeof(AccountsStep));

        Assert.That(() => services.RunStartupStepsAsync(), Throws.InvalidOperationException.With.Message.EqualTo("catalogue invalid"));
        Assert.That(services.GetRequiredService<Ran>(), Is.EqualTo(new[] { "seed" }));
    }
}
