using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Municipalities;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Rollouts;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Provisioning benchmark. Rolls one offering out to every inhabited municipality of the Destatis directory against the
// sample broker (asynchronous mode) on PostgreSQL, and in the same run drives the broker directly with the same
// concurrency (PUT, then last_operation honouring Retry-After). Prints both throughputs and their ratio.
//
//   dotnet run -c Release --project bench/Marketplace.ProvisioningBench -- [--concurrency 200] [--latency-ms 1000] [--parallelism 32] [--limit N]
//   PostgreSQL: MARKETPLACE_TEST_POSTGRES (as for the tests); a database of its own is created and dropped.

var options = BenchOptions.Parse(args);
var admin = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES")
    ?? throw new InvalidOperationException("set MARKETPLACE_TEST_POSTGRES (e.g. $(.ci/start-postgres.sh))");
var root = FindRepo();
var directoryFile = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "destatis-gv-auszug-2020q4.csv"));
const string offeringId = "fundbuero-amtsfuchs";
const string vendorId = "amtsfuchs-software";

await using var broker = await SampleBrokerApp.StartAsync(o =>
{
    o.CatalogPath = Path.Combine(root, "catalog");
    o.Mode = BrokerMode.Async;
    o.LatencyMs = options.LatencyMs;
});
var dbName = "mp_bench_" + Guid.NewGuid().ToString("N")[..10];
await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await c.ExecuteAsync($"CREATE DATABASE {dbName}"); }
var database = new Database(DatabaseEngine.Postgres, new NpgsqlConnectionStringBuilder(admin) { Database = dbName, MaxPoolSize = 200 }.ConnectionString);
try
{
    Console.WriteLine($"sample broker {broker.BaseAddress} (async, latency {options.LatencyMs} ms); PostgreSQL database {dbName}");
    Migrator.Run(database);
    var loaded = CatalogLoader.Load(Path.Combine(root, "catalog"));
    if (!loaded.IsValid) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
    var snapshot = loaded.Snapshot!;
    await new CatalogImporter(database).ImportAsync(snapshot with
    {
        Offerings = snapshot.Offerings.Select(l => l.Value.Provisioning.Type == "osb"
            ? l with { Value = l.Value with { Provisioning = l.Value.Provisioning with { BrokerUrl = broker.BaseAddress.ToString() } } } : l).ToList(),
    });
    var directory = GvIsysReader.ReadFile(directoryFile);
    var import = await new MunicipalityImporter(database).ImportAsync(directory);
    if (!import.Succeeded) throw new InvalidOperationException(import.ToString());
    var inhabited = directory.Municipalities.Where(m => m.Population > 0).Select(m => m.Ags).Order(StringComparer.Ordinal).ToList();
    if (options.Limit is { } limit) inhabited = inhabited.Take(limit).ToList();
    Console.WriteLine($"{directory.Municipalities.Count} municipalities imported, {inhabited.Count} inhabited: the rollout's targets");

    // 1. The broker driven directly: the same work (provision, poll until done) with the same concurrency, no platform.
    var service = snapshot.Offerings.Single(o => o.Value.Id == offeringId).Value.Provisioning;
    var direct = await DriveDirectlyAsync(broker.BaseAddress, service.ServiceId!, service.PlanIds!["standard"], inhabited, options.Concurrency);
    Console.WriteLine($"direct:  {inhabited.Count} instances in {direct.TotalSeconds:F1} s = {inhabited.Count / direct.TotalSeconds:F1} per second (concurrency {options.Concurrency})");
    broker.State.Reset();

    // 2. The rollout through the platform: service layer, durable jobs, worker, audit, on PostgreSQL.
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Configuration["Instance:Role"] = "Worker";
    builder.Configuration["OutboundHttp:AllowPrivateNetworks"] = "true"; // the sample broker listens on loopback
    builder.Configuration["Provisioning:WorkerParallelism"] = options.Parallelism.ToString(CultureInfo.InvariantCulture);
    builder.Configuration["Provisioning:PollInterval"] = "00:00:00.050";
    builder.Services.AddSingleton(database);
    builder.Services.AddAudit(builder.Configuration);
    builder.Services.AddProvisioning(builder.Configuration);
    using var host = builder.Build();
    await host.Services.GetRequiredService<BrokerRegistry>().ConfigureAsync(vendorId, BrokerAuth.Anonymous, options.Concurrency, "bench");
    var rollouts = host.Services.GetRequiredService<RolloutService>();
    var csv = new StringBuilder("ags;behoerde\n");
    var names = directory.Municipalities.ToDictionary(m => m.Ags, m => m.Name);
    foreach (var ags in inhabited) csv.Append(ags).Append(";Fundbüro ").Append(names[ags].Replace(";", " ")).Append('\n');

    var clock = Stopwatch.StartNew();
    var created = await rollouts.CreateAsync("bench-user", "bench-org", new RolloutRequest(offeringId, "standard", [], inhabited, null,
        new JsonObject { ["kontaktEmail"] = "fundsachen@land.example" }, csv.ToString()));
    var creation = clock.Elapsed;
    Console.WriteLine($"rollout: {created.Created} subscriptions and jobs created in {creation.TotalSeconds:F1} s");
    await host.StartAsync();
    RolloutProgress progress;
    var lastReport = TimeSpan.Zero;
    while (true)
    {
        progress = await rollouts.ProgressAsync(created.RolloutId);
        if (progress.Finished) break;
        if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
        {
            lastReport = clock.Elapsed;
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:F0} s: {string.Join(", ", progress.CountsByState.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; " +
                $"ETA {progress.EstimatedRemaining?.TotalSeconds:F0} s");
        }
        // Counting 10,800 subscriptions by state is work for the database: ask twice a second, as a progress page would.
        await Task.Delay(500);
    }
    var total = clock.Elapsed;
    await host.StopAsync();
    var active = progress.Count("active");
    var stats = broker.State.Stats();
    Console.WriteLine($"rollout: {active} active, {progress.Count("failed")} failed in {total.TotalSeconds:F1} s " +
        $"(creation {creation.TotalSeconds:F1} s, provisioning {(total - creation).TotalSeconds:F1} s); broker: {stats.Instances} instances, peak {stats.PeakOpenOperations} operations open");
    var rolloutRate = active / total.TotalSeconds;
    var directRate = inhabited.Count / direct.TotalSeconds;
    Console.WriteLine();
    Console.WriteLine($"direct throughput:  {directRate,8:F1} instances/s");
    Console.WriteLine($"rollout throughput: {rolloutRate,8:F1} instances/s (whole rollout, creation included: {total.TotalSeconds:F1} s)");
    Console.WriteLine($"ratio:              {rolloutRate / directRate * 100,8:F1} % of direct (target >= 50 %); rollout {(total < TimeSpan.FromMinutes(2) ? "under" : "OVER")} 2 minutes");
    return active == inhabited.Count ? 0 : 1;
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await using var c = new NpgsqlConnection(admin);
    await c.OpenAsync();
    await c.ExecuteAsync($"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
}

static async Task<TimeSpan> DriveDirectlyAsync(Uri broker, string serviceId, string planId, IReadOnlyList<string> agsList, int concurrency)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = broker };
    http.DefaultRequestHeaders.Add("X-Broker-API-Version", "2.17");
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < agsList.Count)
        {
            var id = "direct-" + agsList[i];
            using var put = await http.PutAsJsonAsync($"v2/service_instances/{id}?accepts_incomplete=true", new
            {
                service_id = serviceId, plan_id = planId, context = new { platform = "bench", ags = agsList[i] },
                parameters = new { behoerde = "Fundbüro " + agsList[i], kontaktEmail = "fundsachen@land.example", aufbewahrungMonate = 6 },
            });
            var wait = put.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
            while (true)
            {
                await Task.Delay(wait);
                using var poll = await http.GetAsync($"v2/service_instances/{id}/last_operation?service_id={serviceId}&plan_id={planId}");
                var state = (await poll.Content.ReadFromJsonAsync<JsonObject>())?["state"]?.GetValue<string>();
                if (state != "in progress") break;
                wait = poll.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
            }
        }
    }));
    return clock.Elapsed;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
    throw new InvalidOperationException("Marketplace.sln not found");
}

/// <summary>Concurrency: operations in flight at the broker (direct: loops; rollout: the vendor's limit). Parallelism: jobs the worker runs at once.</summary>
internal sealed record BenchOptions(int Concurrency, int LatencyMs, int? Limit, int Parallelism)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchOptions(int.Parse(Arg("--concurrency") ?? "200", CultureInfo.InvariantCulture),
            int.Parse(Arg("--latency-ms") ?? "1000", CultureInfo.InvariantCulture),
            Arg("--limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : null,
            int.Parse(Arg("--parallelism") ?? "32", CultureInfo.InvariantCulture));
    }
}
