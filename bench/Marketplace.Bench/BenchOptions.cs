namespace Marketplace.Bench;

public sealed record BenchOptions(string Benchmark, int Offerings, int Seconds, int Connections, string RepoRoot, int KindSeconds = 0, int PoolSize = LoadBenchmark.DefaultPoolSize)
{
    public static BenchOptions Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.sln"))) root = root.Parent;
        return new BenchOptions(args.FirstOrDefault() ?? "", Value("--offerings", 10_000), Value("--seconds", 20), Value("--connections", 64),
            root?.FullName ?? throw new InvalidOperationException("run from inside the repo"), Value("--kind-seconds", 0),
            Value("--pool-size", LoadBenchmark.DefaultPoolSize));
    }
}
