using Marketplace.Kernel;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Jobs;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Marketplace.Conformance.Standards;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Conformance.Tests;

/// <summary>
/// The conformance module wired as the host wires it, on a fresh database of one engine seeded from the repo's catalog/,
/// with a fake clock standing at the seed's reference date.
/// </summary>
public sealed class Harness : IAsyncDisposable
{
    public static readonly Actor Vendor = new("user-nordlicht", "nordlicht-bauportal");
    public static readonly Actor OtherVendor = new("user-havelsoft", "havelsoft");
    public static readonly Actor Auditor = new("user-auditor", "platform");
    public static readonly Actor Admin = new("user-admin", "platform");

    private Harness(TestDatabase db, ServiceProvider services, FakeTimeProvider clock)
    {
        Db = db;
        Services = services;
        Clock = clock;
    }

    public TestDatabase Db { get; }
    public ServiceProvider Services { get; }
    public FakeTimeProvider Clock { get; }

    public OfferingLifecycle Lifecycle => Services.GetRequiredService<OfferingLifecycle>();
    public AuditorReview Review => Services.GetRequiredService<AuditorReview>();
    public EvidenceService Evidence => Services.GetRequiredService<EvidenceService>();
    public StandardsRegistry Standards => Services.GetRequiredService<StandardsRegistry>();
    public ConformanceDailyJob Job => Services.GetRequiredService<ConformanceDailyJob>();
    public AuditTrail Audit => Services.GetRequiredService<AuditTrail>();

    /// <param name="seed">With the repo's catalogue imported (into a copy of a database seeded once per engine and test run).</param>
    public static async Task<Harness> CreateAsync(DatabaseEngine engine, bool seed = true)
    {
        var db = seed
            ? await TestDatabase.FromTemplateAsync(engine, "Conformance.Harness seeded", async template =>
            {
                Migrator.Run(template.Database);
                await using var seeding = Build(template, new FakeTimeProvider(TestClock.CatalogueDate));
                await seeding.GetRequiredService<CatalogSeeder>().SeedAsync();
            })
            : await TestDatabase.CreateAsync(engine);
        var clock = new FakeTimeProvider(TestClock.CatalogueDate);
        return new Harness(db, Build(db, clock), clock);
    }

    private static ServiceProvider Build(TestDatabase db, FakeTimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Engine"] = db.Engine.ToString(),
            ["Database:ConnectionString"] = db.Database.ConnectionString,
            ["Catalog:Path"] = RepoPaths.Catalog,
            ["Audit:ChainKey"] = "conformance-test-key",
            ["Conformance:CheckTimeout"] = "00:00:05",
            ["OutboundHttp:AllowPrivateNetworks"] = "true", // the test broker listens on loopback
        }).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddMarketplaceStorage(configuration)
            .AddAudit(configuration)
            .AddCatalog(configuration)
            .AddConformance(configuration)
            .BuildServiceProvider();
    }

    /// <summary>The catalogue as search sees it now (what the next index build would read).</summary>
    public Task<CatalogReadModel> CatalogueAsync() => Services.GetRequiredService<CatalogRepository>().LoadAsync();

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.Database.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task ExecAsync(string sql, object? args = null)
    {
        await using var c = await Db.Database.OpenAsync();
        await c.ExecuteAsync(sql, args);
    }

    /// <summary>A running subscription of a sample municipality, whose rows must outlive the offering's retirement.</summary>
    public async Task SubscribeAsync(string offeringId)
    {
        var ags = await ScalarAsync<string>("SELECT MIN(ags) FROM municipalities");
        var vendor = await ScalarAsync<string>("SELECT vendor_id FROM offerings WHERE id = @offeringId", new { offeringId });
        await ExecAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @offeringId, @vendor, 'p', 'active', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z')
            """, new { id = Guid.NewGuid().ToString("N"), ags, offeringId, vendor });
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
