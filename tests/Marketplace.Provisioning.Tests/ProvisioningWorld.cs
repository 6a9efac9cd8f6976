using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Fulfilment;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// A migrated database with the seed catalogue and the sample municipalities, the provisioning services wired as the
/// host wires them (worker not hosted: tests run jobs themselves), and a sample broker on loopback that every
/// broker offering is pointed at.
/// </summary>
public sealed class ProvisioningWorld : IAsyncDisposable
{
    public const string Kiel = "01002000";
    public const string Luebeck = "01003000";
    public const string Friedrichskoog = "01051034";
    public const string Muenchen = "09162000";
    public const string Buyer = "user-buyer";
    public const string SecondBuyer = "user-buyer-2";

    /// <summary>A broker offering with a small schema (behoerde, kontaktEmail, aufbewahrungMonate), vendor amtsfuchs-software.</summary>
    public const string Fundbuero = "fundbuero-amtsfuchs";
    /// <summary>A broker offering with nested objects, arrays and a writeOnly secret (fitConnect.callbackGeheimnis).</summary>
    public const string Meldeportal = "meldeportal-komuna";
    /// <summary>A manual offering.</summary>
    public const string Namenserklaerung = "namenserklaerung-urkundenwerk";

    private ServiceProvider _services = null!;
    private Action<SampleBrokerOptions> _configureBroker = null!;
    private bool _brokerStopped;

    public TestDatabase Db { get; private set; } = null!;
    public SampleBrokerServer Broker { get; private set; } = null!;
    public IServiceProvider Services => _services;
    public Database Database => Db.Database;

    public static async Task<ProvisioningWorld> CreateAsync(DatabaseEngine engine, Action<SampleBrokerOptions>? broker = null,
        Dictionary<string, string?>? settings = null, TimeProvider? clock = null, string? postgresAdmin = null)
    {
        ActiveRequests.Listen();
        var world = new ProvisioningWorld();
        world._configureBroker = o =>
        {
            o.CatalogPath = RepoPaths.Catalog;
            o.Catalog = Catalogue.Value;
            o.LatencyMs = 50;
            o.RetryAfterSeconds = 0;
            broker?.Invoke(o);
        };
        world.Broker = await TestTiming.TimeAsync("sample broker started", () => SampleBrokerApp.StartAsync(world._configureBroker));
        if (postgresAdmin is null)
        {
            // The imported catalogue is the same for every world but its broker URLs: a copy of a template imported once
            // per engine, its placeholder broker address rewritten to this world's broker.
            world.Db = await TestDatabase.FromTemplateAsync(engine, "provisioning-world", async db =>
            {
                Migrator.Run(db.Database);
                await ImportCatalogueAsync(db.Database, new Uri(BrokerPlaceholder));
                BrokerUrlColumns[engine] = await ColumnsHoldingAsync(db.Database, BrokerPlaceholder);
            });
            await PointAtBrokerAsync(world.Database, BrokerUrlColumns[engine], world.Broker.BaseAddress);
        }
        else
        {
            world.Db = await TestDatabase.CreateAsync(engine, postgresAdmin: postgresAdmin);
            await ImportCatalogueAsync(world.Database, world.Broker.BaseAddress);
        }
        world._services = BuildServices(world.Database, settings, clock);
        return world;
    }

    /// <summary>The broker address of a template's offerings; no world ever calls it (.invalid never resolves).</summary>
    private const string BrokerPlaceholder = "http://sample-broker.invalid/";

    /// <summary>Where a template of each engine holds <see cref="BrokerPlaceholder"/>, found when it was imported.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DatabaseEngine, IReadOnlyList<(string Table, string Column)>> BrokerUrlColumns = new();

    private static readonly Lazy<CatalogSnapshot> Catalogue = new(() =>
    {
        var loaded = CatalogLoader.Load(RepoPaths.Catalog);
        Assert.That(loaded.IsValid, Is.True, string.Join("\n", loaded.Errors));
        return loaded.Snapshot!;
    });

    private static async Task PointAtBrokerAsync(Database database, IReadOnlyList<(string Table, string Column)> columns, Uri brokerUrl)
    {
        Assert.That(columns, Is.Not.Empty, "the template's offerings name the placeholder broker");
        await using var c = await database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        foreach (var (table, column) in columns)
            await c.ExecuteAsync($"UPDATE \"{table}\" SET \"{column}\" = REPLACE(\"{column}\", @from, @to) WHERE \"{column}\" LIKE @like",
                new { from = BrokerPlaceholder, to = brokerUrl.ToString(), like = "%" + BrokerPlaceholder + "%" }, tx);
        await tx.CommitAsync();
    }

    public static ServiceProvider BuildServices(Database database, Dictionary<string, string?>? settings, TimeProvider? clock)
    {
        var values = new Dictionary<string, string?>
        {
            ["Instance:Role"] = "Web",
            ["OutboundHttp:AllowPrivateNetworks"] = "true", // the sample broker listens on loopback
            ["Provisioning:BaseBackoff"] = "00:00:00.010",
            ["Provisioning:MaxBackoff"] = "00:00:00.050",
            ["Provisioning:DefaultPollInterval"] = "00:00:00.020",
            // In real time no test means to reach the deadline: generous, so that fixtures side by side on a loaded machine do
            // not turn quick answers into timeouts. On a fake clock tests reach it by moving the clock, a few seconds on.
            ["Provisioning:BrokerRequestTimeout"] = clock is null ? "00:00:30" : "00:00:04",
            ["Provisioning:MaxFailures"] = "4",
            ["Provisioning:AllowHttpDashboardUrls"] = "true", // the sample broker answers on http loopback
        };
        foreach (var (k, v) in settings ?? []) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        services.AddSingleton(database);
        if (clock is not null) services.AddSingleton(clock);
        services.AddAudit(configuration);
        services.AddProvisioning(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Imports catalog/ with every broker URL pointed at <paramref name="brokerUrl"/>, and the sample municipalities.</summary>
    private static async Task ImportCatalogueAsync(Database database, Uri brokerUrl)
    {
        var snapshot = Catalogue.Value;
        var pointed = snapshot with
        {
            Offerings = snapshot.Offerings.Select(l => l.Value.Provisioning.Type == "osb"
                ? l with { Value = l.Value with { Provisioning = l.Value.Provisioning with { BrokerUrl = brokerUrl.ToString() } }, ContentHash = l.ContentHash + "-test" }
                : l).ToList(),
        };
        await new CatalogImporter(database).ImportAsync(pointed);
        await WriteListingsAsync(database, pointed.Offerings.Select(o => o.Value.Id), OfferingLifecycles.Active, ConformanceStatuses.Conformant);
        var result = await new MunicipalityImporter(database).ImportAsync(GvIsysReader.ReadFile(Path.Combine(RepoPaths.Catalog, "municipalities", "gv-sample.csv")));
        Assert.That(result.Succeeded, Is.True, result.ToString());
    }

    /// <summary>Sets an offering's lifecycle and its required standard's status in the catalogue, as deprecation, retirement or a failed check do.</summary>
    public Task SetListingAsync(string offeringId, string lifecycle, string dsgvoStatus = ConformanceStatuses.Conformant) =>
        WriteListingsAsync(Database, [offeringId], lifecycle, dsgvoStatus);

    /// <summary>
    /// Writes offerings' lifecycle and required-standard status. The import records what the conformance module records once
    /// an auditor found an offering conformant (published version 1, active, DSGVO conformant): orders refuse offerings nobody checked.
    /// </summary>
    private static async Task WriteListingsAsync(Database database, IEnumerable<string> offeringIds, string lifecycle, string dsgvoStatus)
    {
        await using var c = await database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var projection = new OfferingProjection(c, tx, database.Dialect);
        var now = DateTimeOffset.UtcNow;
        foreach (var id in offeringIds)
        {
            await projection.WritePublicationAsync(id, 1, lifecycle, now);
            await projection.WriteConformanceAsync(id, [new ProjectedConformance("dsgvo-avv", "2016/679", dsgvoStatus, true, now)]);
        }
        await tx.CommitAsync();
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public OrderService Orders => Get<OrderService>();
    public SubscriptionService Subscriptions => Get<SubscriptionService>();
    public JobStore Jobs => Get<JobStore>();
    public RolloutService Rollouts => Get<RolloutService>();
    public ManualFulfilment Manual => Get<ManualFulfilment>();
    public BundleOrders Bundles => Get<BundleOrders>();
    public LandDefaults LandDefaults => Get<LandDefaults>();
    public TenantConfiguration Configuration => Get<TenantConfiguration>();
    public BrokerRegistry Brokers => Get<BrokerRegistry>();

    public static JsonObject FundbueroConfig(string behoerde = "Fundbüro Kiel") =>
        new() { ["behoerde"] = behoerde, ["kontaktEmail"] = "fundbuero@kiel.example" };

    public static JsonObject MeldeportalConfig(string secret = "geheim-geheim-geheim-geheim-0123456789") => new()
    {
        ["behoerde"] = "Bürgeramt Kiel",
        ["ags"] = Kiel,
        ["kontaktEmail"] = "melde@kiel.example",
        ["einwohnermeldeverfahren"] = "ewo-a",
        ["fitConnect"] = new JsonObject { ["zustellpunktId"] = "5d4a3c2b-1f0e-4d9c-8b7a-6f5e4d3c2b1a", ["umgebung"] = "test", ["callbackGeheimnis"] = secret },
        ["bueroaemter"] = new JsonArray(new JsonObject { ["name"] = "Rathaus", ["terminUrl"] = "https://kiel.example/termine" }),
    };

    /// <summary>Places an order of the Fundbüro offering and returns the subscription id.</summary>
    public async Task<string> OrderFundbueroAsync(string ags = Kiel, string key = "k1", JsonObject? config = null)
    {
        var result = await Orders.PlaceAsync(ags, Buyer, key, new OrderRequest(Fundbuero, "standard", [], config ?? FundbueroConfig()));
        return result.Order.SubscriptionIds.Single();
    }

    /// <summary>
    /// Runs due jobs in this process, as the hosted worker does, until none is left (or the time is up); each
    /// claimed job runs once per round.
    /// </summary>
    public async Task DrainAsync(TimeSpan? within = null, string workerId = "test-worker")
    {
        var runner = Get<JobRunner>();
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            var claimed = await Jobs.ClaimAsync(workerId, 64);
            if (claimed.Count == 0)
            {
                if (await Jobs.PendingCountAsync() == 0) return;
                await Task.Delay(10);
                continue;
            }
            await Task.WhenAll(claimed.Select(j => runner.RunAsync(j, CancellationToken.None)));
        }
        Assert.Fail($"jobs still pending after {within ?? TimeSpan.FromSeconds(30)}");
    }

    public async Task<string> StateAsync(string subscriptionId)
    {
        await using var c = await Database.OpenAsync();
        return await c.ExecuteScalarAsync<string>("SELECT state FROM subscriptions WHERE id = @subscriptionId", new { subscriptionId }) ?? "missing";
    }

    public async Task<string> InstanceIdAsync(string subscriptionId)
    {
        await using var c = await Database.OpenAsync();
        return (await c.ExecuteScalarAsync<string>("SELECT instance_id FROM subscription_provisioning WHERE subscription_id = @subscriptionId", new { subscriptionId }))!;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<IReadOnlyList<T>> ScalarListAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    /// <summary>Every string value of every row of every table, for tests that search the database for what must not be stored.</summary>
    public async Task<List<string>> AllStoredTextAsync() =>
        (await StoredTextAsync(Database)).Select(t => t.Text).ToList();

    private static async Task<List<(string Table, string Column, string Text)>> StoredTextAsync(Database database)
    {
        await using var c = await database.OpenAsync();
        var tables = (await c.QueryAsync<string>(database.Engine == DatabaseEngine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).ToList();
        var texts = new List<(string, string, string)>();
        foreach (var table in tables)
            foreach (IDictionary<string, object?> row in await c.QueryAsync($"SELECT * FROM \"{table}\""))
                texts.AddRange(row.Where(v => v.Value is string).Select(v => (table, v.Key, (string)v.Value!)));
        return texts;
    }

    private static async Task<IReadOnlyList<(string Table, string Column)>> ColumnsHoldingAsync(Database database, string text) =>
        (await StoredTextAsync(database)).Where(t => t.Text.Contains(text, StringComparison.Ordinal)).Select(t => (t.Table, t.Column)).Distinct().ToList();

    /// <summary>Stops the broker: its port refuses connections until <see cref="StartBrokerAgainAsync"/>.</summary>
    public async Task StopBrokerAsync()
    {
        await Broker.DisposeAsync();
        _brokerStopped = true;
    }

    /// <summary>Starts the broker again on the port the catalogue points at (it comes back empty, like a fresh deployment).</summary>
    public async Task StartBrokerAgainAsync(IEnumerable<KeyValuePair<string, SampleInstance>>? keeping = null)
    {
        Broker = await SampleBrokerApp.StartAsync(_configureBroker, Broker.BaseAddress.Port);
        // A broker whose instances survived the outage (its database did): they are still there when it answers again.
        foreach (var (id, instance) in keeping ?? []) Broker.State.Instances[id] = instance;
        _brokerStopped = false;
    }

    /// <summary>
    /// Runs due jobs on a fake clock: when none is due, the clock jumps to the next job's run_at. Stops when no job is
    /// pending or after <paramref name="rounds"/> claim rounds.
    /// </summary>
    public async Task DrainOnClockAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, int rounds = 200, string workerId = "test-worker")
    {
        var runner = Get<JobRunner>();
        for (var round = 0; round < rounds; round++)
        {
            var claimed = await Jobs.ClaimAsync(workerId, 64);
            if (claimed.Count > 0)
            {
                // The broker client's own retry delays and timeouts run on this clock too: it moves on while runs are in
                // flight, but only while no request to the broker is on its way or being answered (every one sent is one
                // an injected timeout withholds), so that an answer a busy machine slows down is never taken for a timeout.
                var runs = Task.WhenAll(claimed.Select(j => runner.RunAsync(j, CancellationToken.None)));
                while (await Task.WhenAny(runs, Task.Delay(20)) != runs)
                    if (BrokerIsIdle()) clock.Advance(TimeSpan.FromMilliseconds(100));
                await runs;
                continue;
            }
            if (await ScalarAsync<DateTimeOffset?>("SELECT MIN(run_at) FROM provisioning_jobs WHERE state IN ('queued', 'polling')") is not { } due) return;
            if (due > clock.GetUtcNow()) clock.Advance(due - clock.GetUtcNow());
        }
    }

    private bool BrokerIsIdle() =>
        _brokerStopped || (Broker.State.Answering == 0 && ActiveRequests.To(Broker.BaseAddress.Port) <= Broker.State.Withheld);

    /// <summary>
    /// Requests this process has sent to each port and not yet had answered (HttpClient's http.client.active_requests, per
    /// attempt): a request still on its way to the broker, which the broker cannot count yet.
    /// </summary>
    private static class ActiveRequests
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> ByPort = new();
        private static readonly System.Diagnostics.Metrics.MeterListener Listener = Start();

        /// <summary>Starts counting (once per process), before a world sends its first request.</summary>
        public static void Listen() => _ = Listener;

        public static long To(int port) => ByPort.GetValueOrDefault(port);

        private static System.Diagnostics.Metrics.MeterListener Start()
        {
            var listener = new System.Diagnostics.Metrics.MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument is { Meter.Name: "System.Net.Http", Name: "http.client.active_requests" }) l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag is { Key: "server.port", Value: int port }) ByPort.AddOrUpdate(port, value, (_, n) => n + value);
            });
            listener.Start();
            return listener;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (!_brokerStopped) await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}
