using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Storage;
using Npgsql;

namespace Marketplace.Bench;

/// <summary>
/// Mixed load against two host instances on one PostgreSQL database: catalogue searches, offering pages, orders with
/// Idempotency-Key replays (buyer system's client-credentials token) and usage batches with fresh event ids (vendor
/// system's token). One wrk per instance, half the connections each; a bare endpoint on the same instances is the
/// baseline. Prints throughput, p50/p99 and errors. Used by the load benchmark and, in short form, by a test.
/// </summary>
public static class LoadBenchmark
{
    /// <summary>
    /// Database connections per instance. Here PostgreSQL, both instances and wrk share two cores: with many connections
    /// the statements of up to 64 requests timeshare the cores and every one of them is slow; with 8 they queue for a
    /// connection and run one after another. 8 was the best of 4, 8, 16 and 60 measured here (infra/RUNBOOK.md, Scaling).
    /// </summary>
    public const int DefaultPoolSize = 8;

    /// <summary>TimeoutSeconds: how long wrk waits for an answer before it counts an error.
    /// KindSeconds: after the mixed run, each kind of request alone for this long (0: not), to show where time goes.</summary>
    public sealed record Options(string RepoRoot, string PostgresAdmin, int Seconds, int Connections, string Configuration = "Release", int TimeoutSeconds = 2,
        int KindSeconds = 0, int PoolSize = DefaultPoolSize);

    public sealed record Result(WrkResult Bare, WrkResult Mixed, IReadOnlyList<string> Notes, IReadOnlyList<WrkResult> Kinds)
    {
        public override string ToString() =>
            string.Join("\n", new[] { Bare, Mixed }.Concat(Kinds).Select(r => r.ToString()).Concat(Notes));
    }

    private const string BuyerAgs = "09162000";
    private const string Vendor = "komuna-digital";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var admin = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES")
                    ?? throw new InvalidOperationException("set MARKETPLACE_TEST_POSTGRES (e.g. \"$(bash .ci/start-postgres.sh)\")");
        var result = await MeasureAsync(new Options(options.RepoRoot, admin, options.Seconds, options.Connections, KindSeconds: options.KindSeconds, PoolSize: options.PoolSize),
            Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(result);
        Console.WriteLine($"mixed / bare throughput: {result.Mixed.RequestsPerSecond / result.Bare.RequestsPerSecond:P0}; " +
                          $"mixed p99 {result.Mixed.P99Ms:N1} ms (target < 200 ms), errors {result.Mixed.Errors} (target 0)");
        return result.Mixed.Errors == 0 && result.Bare.Errors == 0 ? 0 : 1;
    }

    public static async Task<Result> MeasureAsync(Options options, Action<string> log)
    {
        var name = "mp_load_" + Guid.NewGuid().ToString("N")[..10];
        await using (var c = new NpgsqlConnection(options.PostgresAdmin))
        {
            await c.OpenAsync();
            await c.ExecuteAsync($"CREATE DATABASE {name}");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(options.PostgresAdmin) { Database = name, MaxPoolSize = options.PoolSize }.ConnectionString;
        var hosts = new List<Process>();
        try
        {
            // The first instance migrates and seeds; the second starts on the ready database, as a scaled-out one would.
            var urls = new[] { "http://127.0.0.1:5111", "http://127.0.0.1:5112" };
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            hosts.Add(StartHost(options, connectionString, urls[0], seed: true));
            await WaitReadyAsync(http, urls[0], hosts[0]);
            hosts.Add(StartHost(options, connectionString, urls[1], seed: false));
            await WaitReadyAsync(http, urls[1], hosts[1]);
            log($"two instances on PostgreSQL database {name}: {string.Join(", ", urls)}, {options.PoolSize} database connections each");

            var notes = new List<string>();
            var requests = await PrepareAsync(http, urls[0], connectionString, notes);
            notes.ForEach(log);

            await Task.WhenAll(urls.Select(u => Wrk.RunAsync("warm-up", u, ["/bench/fixed"], Math.Max(1, options.Connections / 2), 3)));
            var bare = Combine("bare endpoint, 2 instances", await Task.WhenAll(urls.Select(u =>
                Wrk.RunAsync("bare", u, ["/bench/fixed"], Math.Max(1, options.Connections / 2), options.Seconds, options.TimeoutSeconds))));
            var script = LuaScript(requests);
            await Task.WhenAll(urls.Select(u => Wrk.RunScriptAsync("warm-up", u, script, Math.Max(1, options.Connections / 2), 3)));
            var mixed = Combine("mixed workload, 2 instances", await Task.WhenAll(urls.Select(u =>
                Wrk.RunScriptAsync("mixed", u, script, Math.Max(1, options.Connections / 2), options.Seconds, options.TimeoutSeconds))));

            // Where the mixed run's time went, as the instances measured it themselves (before the kinds alone add to it).
            notes.AddRange(await ServerTimesAsync(http, urls));

            var kinds = new List<WrkResult>();
            if (options.KindSeconds > 0)
                foreach (var kind in requests.Select(r => r.Kind).Distinct())
                {
                    var alone = LuaScript(requests.Where(r => r.Kind == kind).ToList());
                    kinds.Add(Combine($"  {kind} alone", await Task.WhenAll(urls.Select(u =>
                        Wrk.RunScriptAsync(kind, u, alone, Math.Max(1, options.Connections / 2), options.KindSeconds, options.TimeoutSeconds)))));
                }

            await using (var c = new NpgsqlConnection(connectionString))
            {
                var events = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM usage_events");
                var orders = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders");
                notes.Add($"after the run: {events:N0} usage events stored, {orders} orders (replays answered from the idempotency record)");
            }
            return new Result(bare, mixed, notes, kinds);
        }
        finally
        {
            foreach (var h in hosts)
            {
                if (!h.HasExited) h.Kill(entireProcessTree: true);
                await h.WaitForExitAsync();
                h.Dispose();
            }
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(options.PostgresAdmin);
            await c.OpenAsync();
            await c.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    /// <summary>One request of the mix: method, path, body (null for GET), bearer token (null for anonymous).</summary>
    private sealed record MixRequest(string Kind, string Method, string Path, string? Body, string? Token, bool UsageBatch = false);

    private static async Task<List<MixRequest>> PrepareAsync(HttpClient http, string url, string connectionString, List<string> notes)
    {
        var buyerToken = await TokenAsync(http, url, "muenchen-system", "muenchen-demo-secret-2026");
        var vendorToken = await TokenAsync(http, url, "komuna-system", "komuna-demo-secret-2026");

        // Searches and offering pages of the seeded catalogue.
        var searches = SearchBenchmark.Paths().Take(24).ToList();
        var offerings = (await http.GetFromJsonAsync<JsonObject>(url + "/api/v1/offerings?pageSize=50"))!["items"]!.AsArray()
            .Select(o => o!["id"]!.GetValue<string>()).ToList();

        // Orders: offerings München can order with just an authority and a contact address, each under its own key; the load replays them.
        var orders = new List<MixRequest>();
        foreach (var id in offerings)
        {
            var plan = (await http.GetFromJsonAsync<JsonObject>($"{url}/api/v1/offerings/{id}"))!["plans"]!.AsArray()[0]!["id"]!.GetValue<string>();
            var body = JsonSerializer.Serialize(new { offeringId = id, planId = plan, addOnIds = Array.Empty<string>(), configuration = new { behoerde = "Bürgeramt", kontaktEmail = "buergeramt@muenchen.example" } });
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/v1/municipalities/{BuyerAgs}/orders")
                { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyerToken);
            var key = "load-" + id;
            request.Headers.Add("Idempotency-Key", key);
            var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode) orders.Add(new MixRequest("order replay", "POST", $"/api/v1/municipalities/{BuyerAgs}/orders|{key}", body, buyerToken));
            if (orders.Count == 8) break;
        }
        if (orders.Count == 0) throw new InvalidOperationException("no offering could be ordered with the simple configuration");

        // Usage: active subscriptions to one of the vendor's metered plans, written as provisioning would have left them.
        var metered = await SubscribeForUsageAsync(connectionString);
        notes.Add($"mix: {searches.Count} searches, {offerings.Count} offering pages, {orders.Count} orders replayed, usage batches of 20 events for {metered.Subscriptions.Count} subscriptions ({metered.Dimension})");

        var mix = new List<MixRequest>();
        for (var i = 0; i < 10; i++)
        {
            mix.Add(new MixRequest("search", "GET", searches[i % searches.Count], null, null));
            mix.Add(new MixRequest("search", "GET", searches[(i + 10) % searches.Count], null, null));
            mix.Add(new MixRequest("offering page", "GET", $"/angebote/{offerings[i % offerings.Count]}", null, null));
            mix.Add(new MixRequest("offering API", "GET", $"/api/v1/offerings/{offerings[(i + 3) % offerings.Count]}", null, null));
            mix.Add(orders[i % orders.Count]);
            var events = string.Join(",", Enumerable.Range(0, 20).Select(e =>
                $"{{\"eventId\":\"%s-{e}\",\"subscriptionId\":\"{metered.Subscriptions[(i * 20 + e) % metered.Subscriptions.Count]}\",\"dimension\":\"{metered.Dimension}\",\"quantity\":1,\"timestamp\":\"%s\"}}"));
            mix.Add(new MixRequest("usage batch", "POST", "/api/v1/usage", "{\"events\":[" + events + "]}", vendorToken, UsageBatch: true));
        }
        return mix;
    }

    private static async Task<(List<string> Subscriptions, string Dimension)> SubscribeForUsageAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        var extra = await c.QueryFirstAsync<(string Offering, string Plan, string Extra)>("""
            SELECT e.offering_id AS Offering, e.plan_id AS Plan, e.extra_id AS Extra
            FROM plan_extras e JOIN offerings o ON o.id = e.offering_id
            WHERE o.vendor_id = @Vendor AND e.kind = 'metered' ORDER BY e.offering_id, e.plan_id, e.extra_id
            """, new { Vendor });
        var municipalities = (await c.QueryAsync<string>(
            "SELECT ags FROM municipalities WHERE ags NOT IN (SELECT municipality_ags FROM subscriptions WHERE offering_id = @Offering) ORDER BY ags LIMIT 40",
            new { extra.Offering })).ToList();
        var now = DateTimeOffset.UtcNow;
        var from = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        var at = from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var ids = municipalities.Select(a => $"load-{a}").ToList();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @Offering, @Vendor, @Plan, 'active', @at, @at)
            """, municipalities.Select(a => new { id = $"load-{a}", ags = a, extra.Offering, Vendor, extra.Plan, at }), tx);
        await c.ExecuteAsync("""
            INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to) VALUES (@id, 1, @Plan, '', @at, NULL)
            """, ids.Select(id => new { id, extra.Plan, at }), tx);
        await tx.CommitAsync();
        return (ids, extra.Extra);
    }

    private static async Task<string> TokenAsync(HttpClient http, string url, string clientId, string secret)
    {
        var response = await http.PostAsync(url + "/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token for {clientId}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>
    /// wrk's Lua: round-robin over the mix; usage batches get event ids unique per thread and request, and the current
    /// time; order replays carry their Idempotency-Key (after the "|" in the prepared path).
    /// </summary>
    private static string LuaScript(IReadOnlyList<MixRequest> mix)
    {
        static string Lua(string? s) => s is null ? "nil" : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("local mix = {");
        foreach (var r in mix)
            sb.AppendLine($"  {{ method = {Lua(r.Method)}, path = {Lua(r.Path)}, body = {Lua(r.Body)}, token = {Lua(r.Token)}, usage = {(r.UsageBatch ? "true" : "false")} }},");
        sb.AppendLine("}");
        sb.AppendLine("""
            local counter = 0
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("tid", threads)
            end
            function init(args)
              math.randomseed(os.time() + (tid or 0) * 7919)
              prefix = string.format("t%d-%d-%d", tid or 0, os.time(), math.random(1, 1000000000))
            end
            request = function()
              counter = counter + 1
              local r = mix[(counter % #mix) + 1]
              local headers = {}
              local path = r.path
              if r.token then headers["Authorization"] = "Bearer " .. r.token end
              local bar = string.find(path, "|", 1, true)
              if bar then
                headers["Idempotency-Key"] = string.sub(path, bar + 1)
                path = string.sub(path, 1, bar - 1)
              end
              local body = r.body
              if r.usage then
                body = string.gsub(body, "%%s%-", prefix .. "-" .. counter .. "-")
                body = string.gsub(body, "%%s", os.date("!%Y-%m-%dT%H:%M:%SZ"))
              end
              if body then headers["Content-Type"] = "application/json" end
              return wrk.format(r.method, path, headers, body)
            end
            """);
        return sb.ToString();
    }

    /// <summary>
    /// Per route, summed over both instances: requests and the p50/p99 bucket of ASP.NET Core's own request-duration
    /// histogram from /metrics (an upper bound: the bucket's edge). Time in the server, without the queue in front of it.
    /// </summary>
    private static async Task<List<string>> ServerTimesAsync(HttpClient http, IEnumerable<string> urls)
    {
        var buckets = new Dictionary<string, SortedDictionary<double, double>>(StringComparer.Ordinal);
        var bucketLine = new Regex("^http_server_request_duration_seconds_bucket\\{(?<labels>.*)\\} (?<count>[0-9.e+]+)$", RegexOptions.Multiline);
        foreach (var url in urls)
            foreach (Match m in bucketLine.Matches(await http.GetStringAsync(url + "/metrics")))
            {
                var labels = m.Groups["labels"].Value;
                string Label(string name) => Regex.Match(labels, name + "=\"(?<v>[^\"]*)\"").Groups["v"].Value;
                var route = $"{Label("http_request_method")} {Label("http_route")}";
                var le = Label("le") is "+Inf" ? double.PositiveInfinity : double.Parse(Label("le"), CultureInfo.InvariantCulture);
                var perRoute = buckets.TryGetValue(route, out var b) ? b : buckets[route] = new SortedDictionary<double, double>();
                perRoute[le] = perRoute.GetValueOrDefault(le) + double.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture);
            }
        // Buckets are cumulative: the +Inf bucket (the last) holds every request of the route.
        string Edge(SortedDictionary<double, double> b, double share) =>
            b.First(x => x.Value >= share * b.Values.Last()).Key is var le && double.IsInfinity(le) ? "> 10 s" : $"<= {le * 1000:N0} ms";
        return buckets.Where(b => b.Value.Values.Last() > 0 && !b.Key.EndsWith("/bench/fixed") && !b.Key.Contains("/connect/") && !b.Key.Contains("/health/"))
            .OrderByDescending(b => b.Value.Values.Last())
            .Select(b => $"  server time {b.Key,-52} {b.Value.Values.Last(),9:N0} requests   p50 {Edge(b.Value, 0.5)}   p99 {Edge(b.Value, 0.99)}")
            .Prepend("server-side time per route, mixed run and its warm-up (ASP.NET Core's histogram, bucket edges):").ToList();
    }

    /// <summary>Two instances' figures as one: throughput and counts add up, the slower instance's percentiles stand.</summary>
    private static WrkResult Combine(string name, WrkResult[] parts) => new(name, parts.Sum(p => p.RequestsPerSecond),
        parts.Max(p => p.P50Ms), parts.Max(p => p.P99Ms), parts.Sum(p => p.Requests), parts.Sum(p => p.Errors));

    private static Process StartHost(Options options, string connectionString, string url, bool seed)
    {
        var dll = Path.Combine(options.RepoRoot, "src", "Marketplace.Web", "bin", options.Configuration, "net10.0", "Marketplace.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"build the host first: dotnet build -c {options.Configuration} src/Marketplace.Web ({dll})");
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // "Load": not Development (no developer pages), not Production (the demo accounts and clients are seeded).
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Load";
        psi.Environment["Database__Engine"] = "Postgres";
        psi.Environment["Database__ConnectionString"] = connectionString;
        psi.Environment["Catalog__Path"] = Path.Combine(options.RepoRoot, "catalog");
        psi.Environment["Catalog__SeedOnStart"] = seed ? "true" : "false";
        psi.Environment["Identity__SeedDemoData"] = seed ? "true" : "false";
        psi.Environment["Identity__RequireHttps"] = "false";
        // Plain HTTP on loopback and /metrics read by the benchmark itself.
        psi.Environment["Hosting__HttpsRedirect"] = "false";
        psi.Environment["Hosting__Metrics"] = "Anonymous";
        // Both instances issue and accept tokens for one public address, as behind a load balancer.
        psi.Environment["Identity__Server__Issuer"] = "http://127.0.0.1:5111/";
        psi.Environment["Identity__TokenRequestsPerMinute"] = "100000";
        psi.Environment["Bench__FixedEndpoint"] = "true";
        psi.Environment["Bench__FixedBodyBytes"] = "2000";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // The load generator on loopback is one client: lift the per-client API limit for the measurement.
        psi.Environment["Limits__ApiPerSecond"] = "10000000";
        psi.Environment["Limits__ApiBurst"] = "10000000";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, string url, Process host)
    {
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(180))
        {
            if (host.HasExited) throw new InvalidOperationException($"the host at {url} exited with {host.ExitCode}");
            try
            {
                // Short per probe: a host busy migrating and seeding may not answer; the next probe asks again.
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                if ((await http.GetAsync(url + "/health/ready", probe.Token)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the host at {url} did not become ready");
    }
}
