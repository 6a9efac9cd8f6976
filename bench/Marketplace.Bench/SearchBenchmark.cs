using System.Diagnostics;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Storage;

namespace Marketplace.Bench;

/// <summary>
/// Catalogue search under load: N generated offerings (clones of the seed catalogue with other names, vendors,
/// Leistungen, Länder and Reifegrade) served by the real host in Release mode, a mix of searches with facets,
/// against a bare endpoint of the host returning a fixed body of the same size, measured in the same run.
/// </summary>
public static class SearchBenchmark
{
    private static readonly string[] Queries = ["ummeldung", "Kfz Zulassung", "gewerbe", "bauantrag", "geburt", "wohnsitz", "abfall", "bibliothek", "hund", "online", "", "portal"];
    private static readonly string[] Filters = ["", "&land=BY", "&reifegrad=3", "&priceModel=metered", "&land=NW&land=HE", "&sort=price", "&reifegrad=4&land=SN", "&page=2"];

    public static List<string> Paths() => Queries.SelectMany(q => Filters.Select(f => $"/api/v1/offerings?q={Uri.EscapeDataString(q)}{f}")).ToList();

    private static readonly string[] RealisticFilters = ["", "", "", "&land=BY", "&land=NW", "&reifegrad=3", "&reifegrad=4", "&priceModel=metered",
        "&sort=price", "&sort=name", "&page=2", "&land=SN&reifegrad=4", "&themenfeld=bauen-wohnen", "&pageSize=50"];

    /// <summary>
    /// What buyers type: the OZG names of the catalogue's Leistungen and their LeiKa names (../shared/data), as written, in lower
    /// case, with a typo, cut short, or two words run together, each with a filter, sort or page drawn from a realistic set.
    /// Deterministic; at least <paramref name="count"/> distinct paths.
    /// </summary>
    public static List<string> RealisticPaths(string repoRoot, IReadOnlyCollection<string> ozgIds, int count = 1_200)
    {
        var data = Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "data"));
        static List<string[]> Rows(string file)
        {
            using var reader = new StreamReader(file);
            using var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
            var rows = new List<string[]>();
            csv.Read();
            while (csv.Read()) rows.Add(csv.Parser.Record!);
            return rows;
        }
        var names = Rows(Path.Combine(data, "ozg_leistungen.csv")).Where(r => ozgIds.Contains(r[0])).Select(r => r[1])
            .Concat(Rows(Path.Combine(data, "leika_leistungen.csv")).Where(r => ozgIds.Contains(r[3])).Select(r => r[1]))
            .Distinct().ToList();
        var random = new Random(7);
        string Variant(string name)
        {
            var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (random.Next(6))
            {
                case 0: return name.ToLowerInvariant();
                case 1: // a typo: two neighbouring letters swapped
                    var i = random.Next(Math.Max(1, name.Length - 1));
                    return name.Length < 4 ? name : name[..i] + name[i + 1] + name[i] + name[(i + 2)..];
                case 2: return words[0].Length > 6 ? words[0][..(words[0].Length * 2 / 3)] : words[0]; // cut short
                case 3: return words.Length > 1 ? words[0] + words[1].ToLowerInvariant() : name; // run together
                case 4: return words[0] + " beantragen";
                default: return name;
            }
        }
        var paths = new HashSet<string>();
        var k = 0;
        while (paths.Count < count && k < count * 20)
        {
            var q = Variant(names[k++ % names.Count]);
            if (q.Length > 200) q = q[..200];
            paths.Add($"/api/v1/offerings?q={Uri.EscapeDataString(q)}{RealisticFilters[random.Next(RealisticFilters.Length)]}");
        }
        return paths.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The machine's load average (1, 5, 15 minutes) as /proc/loadavg gives it: figures measured on a busy machine say so.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var work = options.Database is null ? Directory.CreateTempSubdirectory("marketplace-bench-").FullName : null;
        var dbPath = options.Database ?? Path.Combine(work!, "bench.db");
        var loaded = CatalogLoader.Load(Path.Combine(options.RepoRoot, "catalog"));
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        if (!File.Exists(dbPath))
        {
            Console.WriteLine($"Generating {options.Offerings:N0} offerings into {dbPath} ...");
            var database = new Database(DatabaseEngine.Sqlite, $"Data Source={dbPath}");
            Migrator.Run(database);
            var generated = Generate(loaded.Snapshot!, options.Offerings);
            await new CatalogImporter(database).ImportAsync(generated);
            await MarkCheckedAsync(database, generated);
        }
        else Console.WriteLine($"Reusing the catalogue in {dbPath}");

        var mixes = new List<(string Name, List<string> Paths)>
        {
            ("fixed mix", Paths()),
            ("realistic mix", RealisticPaths(options.RepoRoot, loaded.Snapshot!.Leistungen.Select(l => l.Value.OzgId).ToHashSet())),
        };
        var baseUrl = "http://127.0.0.1:5099";
        using var http = new HttpClient();
        var errors = 0L;
        var summary = new List<string>
        {
            $"{options.Offerings:N0} offerings, {options.Connections} connections, {options.Seconds} s a phase after {options.WarmUpSeconds} s warm-up; " +
            "each search is compared with the bare endpoint returning as many bytes, measured on the same host just before it" +
            (options.Rounds > 1 ? $" (in {options.Rounds} alternating rounds; p99 of the worst round)." : "."),
            options.Busy > 0 ? $"busy machine: {options.Busy} CPU-bound processes beside the host, each in its own session at normal priority" : "no other work started by the benchmark",
        };
        // One host with the answer cache, one with every request searching; each measures both mixes.
        foreach (var cacheEntries in new[] { 0, 10_000 }.Where(c => options.Cache == "both" || (options.Cache == "on") == (c > 0)))
        {
            using var host = StartHost(options, dbPath, baseUrl, fixedBodyBytes: 1, cacheEntries);
            var busy = new List<Process>();
            try
            {
                await WaitReady(http, baseUrl);
                busy.AddRange(Enumerable.Range(0, options.Busy).Select(_ => StartBusyProcess()));
                foreach (var (name, mix) in mixes)
                {
                    var answers = new List<byte[]>(mix.Count);
                    foreach (var p in mix) answers.Add(await http.GetByteArrayAsync(baseUrl + p));
                    var (raw, gzip, brotli) = SearchProfile.Sizes(answers);
                    var bareLoad = LoadAverage();
                    await Wrk.RunAsync("warm-up", baseUrl, [$"/bench/fixed/{raw}"], options.Connections, options.WarmUpSeconds);
                    await Wrk.RunAsync("warm-up", baseUrl, mix, options.Connections, options.WarmUpSeconds);
                    var searchLoad = LoadAverage();
                    var before = await CacheCountsAsync(http, baseUrl);
                    var (bareRuns, searchRuns) = (new List<WrkResult>(), new List<WrkResult>());
                    var (bareCpu, searchCpu) = (TimeSpan.Zero, TimeSpan.Zero);
                    var slice = Math.Max(1, options.Seconds / options.Rounds);
                    for (var round = 0; round < options.Rounds; round++)
                    {
                        var cpu = HostCpu(host);
                        bareRuns.Add(await Wrk.RunAsync("bare", baseUrl, [$"/bench/fixed/{raw}"], options.Connections, slice));
                        bareCpu += HostCpu(host) - cpu;
                        cpu = HostCpu(host);
                        searchRuns.Add(await Wrk.RunAsync("search", baseUrl, mix, options.Connections, slice));
                        searchCpu += HostCpu(host) - cpu;
                        // Each round's figures too: the worst round's p99 is the reported one, and whether it stands alone shows here.
                        if (options.Rounds > 1)
                            Console.WriteLine($"  round {round + 1}: bare {bareRuns[^1].RequestsPerSecond:N0} req/s p99 {bareRuns[^1].P99Ms:N1} ms, " +
                                              $"search {searchRuns[^1].RequestsPerSecond:N0} req/s p99 {searchRuns[^1].P99Ms:N1} ms   load {LoadAverage()}");
                    }
                    var after = await CacheCountsAsync(http, baseUrl);
                    var bare = WrkResult.Combine($"bare endpoint ({raw:N0} bytes)", bareRuns);
                    var search = WrkResult.Combine(cacheEntries > 0 ? "search, answer cache on" : "search, every request searching", searchRuns);
                    var hits = after.Hits - before.Hits;
                    var lookups = hits + after.Misses - before.Misses;
                    summary.Add("");
                    summary.Add($"{name}: {mix.Count:N0} distinct searches, answer {raw:N0} bytes raw, {gzip:N0} gzip, {brotli:N0} Brotli (average), " +
                                (cacheEntries > 0 ? $"answer cache on (hit rate {(lookups == 0 ? 0 : hits / lookups):P1})" : "every request searching (cache off)"));
                    summary.Add($"{bare}   load {bareLoad}");
                    summary.Add($"{search}   load {searchLoad}");
                    summary.Add($"search / bare: {search.RequestsPerSecond / bare.RequestsPerSecond:P0} of the throughput (target ≥ 40 %), " +
                                $"p99 {search.P99Ms:N1} ms (target < 50 ms): {(search.RequestsPerSecond >= 0.4 * bare.RequestsPerSecond && search.P99Ms < 50 ? "met" : "NOT met")}");
                    summary.Add($"host CPU per request: bare {bareCpu.TotalMicroseconds / Math.Max(1, bare.Requests):N0} µs, " +
                                $"search {searchCpu.TotalMicroseconds / Math.Max(1, search.Requests):N0} µs; host peak working set {PeakWorkingSetMb(host):N0} MB");
                    Console.WriteLine(string.Join(Environment.NewLine, summary.TakeLast(6)));
                    errors += search.Errors + bare.Errors;
                }
            }
            finally
            {
                summary.Add($"host ({(cacheEntries > 0 ? "answer cache on" : "every request searching")}): {GcSettings(options)}, peak working set {PeakWorkingSetMb(host):N0} MB");
                foreach (var b in busy) b.Kill();
                // Also when a phase fails: a host left running would hold the port for the next run.
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }
        }
        Console.WriteLine();
        summary.ForEach(Console.WriteLine);
        if (work is not null) Directory.Delete(work, true);
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// The generated offerings have no versions or evidence; the catalogue lists only checked, orderable offerings, so each
    /// gets the conformance a checked seed offering has: every claimed standard conformant, DSGVO-AVV required.
    /// </summary>
    private static async Task MarkCheckedAsync(Database database, CatalogSnapshot snapshot)
    {
        await using var c = await database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var projection = new OfferingProjection(c, tx, database.Dialect);
        foreach (var o in snapshot.Offerings)
            await projection.WriteConformanceAsync(o.Value.Id, CheckedListing(o.Value).Conformance
                .Select(s => new ProjectedConformance(s.StandardId, s.StandardVersion, s.Status, s.Required, new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero))).ToList());
        await projection.BumpRevisionAsync();
        await tx.CommitAsync();
    }

    public static Catalog.Queries.OfferingListing CheckedListing(OfferingDescriptor o) => Catalog.Queries.SnapshotReadModel.Checked(o);

    /// <summary>The host's own count of searches answered from the cache and searched, from /metrics.</summary>
    private static async Task<(double Hits, double Misses)> CacheCountsAsync(HttpClient http, string baseUrl)
    {
        // The exporter collects on scrape: the first scrape may not have the counter yet.
        var text = await http.GetStringAsync(baseUrl + "/metrics");
        double Count(string cache) => System.Text.RegularExpressions.Regex.Matches(text, $@"^marketplace_catalog_searches_total\{{[^}}]*cache=""{cache}""[^}}]*\}} (\S+)",
                System.Text.RegularExpressions.RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        return (Count("hit"), Count("miss"));
    }

    /// <summary>CPU time of the host (user and system, all its threads): with the request counts, the CPU per request of each endpoint.</summary>
    private static TimeSpan HostCpu(Process host)
    {
        host.Refresh();
        return host.TotalProcessorTime;
    }

    /// <summary>The host's peak resident memory (VmHWM): what a GC setting costs in memory.</summary>
    private static double PeakWorkingSetMb(Process host)
    {
        host.Refresh();
        return host.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>The GC settings the host runs with: its runtimeconfig's and any DOTNET_GC* variable inherited from the bench.</summary>
    private static string GcSettings(BenchOptions options)
    {
        var config = Path.Combine(options.RepoRoot, "src", "Marketplace.Web", "bin", "Release", "net10.0", "Marketplace.Web.runtimeconfig.json");
        var properties = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config)).RootElement.GetProperty("runtimeOptions")
            .TryGetProperty("configProperties", out var p) ? p.EnumerateObject().Where(e => e.Name.StartsWith("System.GC.")).Select(e => $"{e.Name}={e.Value}") : [];
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase))
            .Order().Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
        return string.Join(", ", properties.Concat(variables).DefaultIfEmpty("GC defaults"));
    }

    private static Process StartHost(BenchOptions options, string dbPath, string baseUrl, int fixedBodyBytes, int cacheEntries = 0)
    {
        var dll = Path.Combine(options.RepoRoot, "src", "Marketplace.Web", "bin", "Release", "net10.0", "Marketplace.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"build the host first: dotnet build -c Release src/Marketplace.Web ({dll})");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" --urls {baseUrl}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Identity__PublicBaseUrl"] = baseUrl; // Production refuses to start without the address for links
        psi.Environment["Hosting__HttpsRedirect"] = "false"; // wrk talks plain HTTP on loopback
        psi.Environment["Hosting__Metrics"] = "Anonymous"; // the answer cache's hit rate is read from /metrics
        psi.Environment["Database__ConnectionString"] = $"Data Source={dbPath}";
        psi.Environment["Catalog__Path"] = Path.Combine(options.RepoRoot, "catalog");
        psi.Environment["Bench__FixedEndpoint"] = "true";
        psi.Environment["Bench__FixedBodyBytes"] = fixedBodyBytes.ToString();
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Catalog__SearchCacheEntries"] = cacheEntries.ToString();
        // One load generator on loopback is one client: lift the per-client API limit for the measurement.
        psi.Environment["Limits__ApiPerSecond"] = "10000000";
        psi.Environment["Limits__ApiBurst"] = "10000000";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// One CPU-bound process in a session of its own: with autogroup scheduling (Linux's default on desktops and many
    /// servers) it competes with the benchmark's session as a whole, like a build started from another terminal.
    /// </summary>
    private static Process StartBusyProcess() =>
        Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", "while :; do :; done"]))
        ?? throw new InvalidOperationException("setsid did not start");

    private static async Task WaitReady(HttpClient http, string baseUrl)
    {
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromMinutes(10)) // building the index takes minutes on a busy machine
        {
            try
            {
                if ((await http.GetAsync(baseUrl + "/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("the host did not become ready");
    }

    /// <summary>Clones of the seed offerings with varied vendor, Leistung, Länder, Reifegrad and price; 50 offerings a vendor.</summary>
    public static CatalogSnapshot Generate(CatalogSnapshot seed, int count)
    {
        var random = new Random(42);
        var vendors = Enumerable.Range(0, Math.Max(1, count / 50)).Select(v =>
        {
            var template = seed.Vendors[v % seed.Vendors.Count];
            var id = $"bench-vendor-{v:0000}";
            return new Loaded<VendorDescriptor>(template.Value with { Id = id, Name = $"{template.Value.Name} {v}" }, id, id);
        }).ToList();
        var abbreviations = seed.Laender.Select(l => l.Value.Abbreviation).ToList();
        var offerings = Enumerable.Range(0, count).Select(i =>
        {
            var template = seed.Offerings[i % seed.Offerings.Count].Value;
            var id = $"bench-{i:00000}";
            var leistungen = template.Leistungen.Concat(random.Next(4) == 0 ? [seed.Leistungen[random.Next(seed.Leistungen.Count)].Value.OzgId] : [])
                .Distinct().ToList();
            IReadOnlyList<string> laender = random.Next(3) == 0 ? abbreviations.OrderBy(_ => random.Next()).Take(1 + random.Next(4)).ToList() : ["*"];
            var plans = template.Plans.Select(p => p with
            {
                StandardPackage = p.StandardPackage with { ListValueCentsPerMonth = p.StandardPackage.ListValueCentsPerMonth + random.Next(0, 50_000) },
            }).ToList();
            var offering = template with
            {
                Id = id, Name = $"{template.Name} {i}", Vendor = vendors[i % vendors.Count].Value.Id, Leistungen = leistungen, Laender = laender,
                Reifegrad = 2 + random.Next(3), Plans = plans,
            };
            return new Loaded<OfferingDescriptor>(offering, id, id);
        }).ToList();
        return seed with { Vendors = seed.Vendors.Concat(vendors).ToList(), Offerings = offerings };
    }
}
