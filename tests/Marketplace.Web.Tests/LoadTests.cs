extern alias bench;

using bench::Marketplace.Bench;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// The load benchmark in short form: two host processes on one PostgreSQL database under the mixed workload (searches,
/// offering pages, order replays with idempotency keys, usage batches). Asserts no errors, not timings; the figures
/// are printed (the full run: bench/Marketplace.Bench load).
/// </summary>
[NonParallelizable]
public class LoadTests
{
    [Test]
    public async Task Two_instances_serve_the_mixed_workload_without_a_single_error()
    {
        if (TestDatabase.PostgresConnectionString is not { } admin)
        {
            Assert.That(TestDatabase.IsCi, Is.False, "CI must run the load test on PostgreSQL");
            Assert.Ignore($"PostgreSQL not configured ({TestDatabase.PostgresVariable}); CI runs this.");
            return;
        }
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var result = await LoadBenchmark.MeasureAsync(new LoadBenchmark.Options(RepoPaths.Root, admin, Seconds: 5, Connections: 16, configuration),
            line => TestContext.Out.WriteLine(line));
        TestContext.Out.WriteLine(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Mixed.Errors, Is.Zero, "errors under the mixed workload");
            Assert.That(result.Bare.Errors, Is.Zero);
            Assert.That(result.Mixed.Requests, Is.GreaterThan(0));
        });
    }
}
