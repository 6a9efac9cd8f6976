using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// The real host in memory, on a fresh database of one engine, seeded from the repo's catalog/, on a clock that stands
/// at the seed's reference date so the seed's evidence is valid however much later the tests run.
/// </summary>
public sealed class MarketplaceFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public TestDatabase Database { get; } = database;

    public FakeTimeProvider Clock { get; } = new(TestClock.CatalogueDate);

    public static async Task<MarketplaceFactory> CreateAsync(DatabaseEngine engine, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.FromTemplateAsync(engine, TestDatabase.TemplateKey(nameof(MarketplaceFactory), settings), async template =>
        {
            var seeding = new MarketplaceFactory(template, settings);
            _ = seeding.Server;
            await seeding.StopAsync();
        });
        var factory = new MarketplaceFactory(database, settings);
        // Start now: migrations (none left on a copy), seeding and the index build happen here, not inside a test's timing.
        await TestTiming.TimeAsync($"{engine} start {nameof(MarketplaceFactory)}", () => Task.FromResult(factory.Server));
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.HostSettings()) builder.UseSetting(key, value);
        // Sample brokers listen on loopback; a test of the outbound guard sets this back to false.
        builder.UseSetting("OutboundHttp:AllowPrivateNetworks", "true");
        builder.UseSetting("Database:Engine", Database.Engine.ToString());
        builder.UseSetting("Database:ConnectionString", Database.Database.ConnectionString);
        builder.UseSetting("Catalog:Path", RepoPaths.Catalog);
        builder.UseSetting("Catalog:SeedOnStart", "true");
        // Tests run the conformance job themselves when they need it, not at a moment of the host's choosing.
        builder.UseSetting("Conformance:RunDailyJob", "false");
        // The prober would ask the demo catalogue's status URLs (nobody listens there) and its monthly evaluation notify; tests run them on demand.
        builder.UseSetting("Availability:ProbeEnabled", "false");
        // The operations tests read /metrics as the in-cluster scraper would; outside Development it needs a platform token.
        builder.UseSetting("Hosting:Metrics", "Anonymous");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Stops the host but keeps the database.</summary>
    internal ValueTask StopAsync() => base.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Database.DisposeAsync();
    }
}
