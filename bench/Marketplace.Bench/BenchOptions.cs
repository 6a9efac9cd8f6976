namespace Marketplace.Bench;

public sealed record BenchOptions(string Benchmark, int Offerings, int Seconds, int Connections, string RepoRoot, int KindSeconds = 0, int PoolSize = LoadBenchmark.DefaultPoolSize)
{
    /// <summary>Warm-up before each measured phase; --short (10 s phases, for a busy machine) warms up for 3 s.</summary>
    public int WarmUpSeconds { get; init; } = 5;

    /// <summary>
    /// Rounds of the search benchmark: each phase is cut into this many slices, the bare endpoint's and the search's
    /// alternating, so that on a busy machine both see the same contention instead of whatever the load was in their minute.
    /// </summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// CPU-bound processes the search benchmark runs beside the host, each in its own session (its own scheduling group, as
    /// another user's build would be) at normal priority: a busy machine that every run can reproduce.
    /// </summary>
    public int Busy { get; init; }

    /// <summary>Which hosts the search benchmark measures: "off" (every request searching), "on" (answer cache) or "both".</summary>
    public string Cache { get; init; } = "both";

    /// <summary>A generated catalogue to keep and reuse (--database PATH): made there when missing, not deleted after the run.</summary>
    public string? Database { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        string Text(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.sln"))) root = root.Parent;
        var isShort = args.Contains("--short");
        return new BenchOptions(args.FirstOrDefault() ?? "", Value("--offerings", 10_000), Value("--seconds", isShort ? 10 : 20), Value("--connections", 64),
            root?.FullName ?? throw new InvalidOperationException("run from inside the repo"), Value("--kind-seconds", 0),
            Value("--pool-size", LoadBenchmark.DefaultPoolSize)) { WarmUpSeconds = isShort ? 3 : 5, Rounds = Math.Max(1, Value("--rounds", 1)),
            Busy = Math.Max(0, Value("--busy", 0)), Cache = Text("--cache", "both"),
            Database = Text("--database", "") is { Length: > 0 } db ? Path.GetFullPath(db) : null };
    }
}
