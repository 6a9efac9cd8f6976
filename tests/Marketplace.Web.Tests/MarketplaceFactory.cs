using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Web.Tests;

/// <summary>The real host in memory, on a fresh database of one engine, seeded from the repo's catalog/.</summary>
public sealed class MarketplaceFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public TestDatabase Database { get; } = database;

    public static async Task<MarketplaceFactory> CreateAsync(DatabaseEngine engine, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new MarketplaceFactory(await TestDatabase.CreateAsync(engine, migrate: false), settings);
        _ = factory.Server; // start now: migrations, seeding and the index build happen here, not inside a test's timing
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.HostSettings()) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}
