extern alias bench;

using bench::Marketplace.Bench;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// The load benchmark in short form: two host processes on one PostgreSQL database under the mixed workload (searches,
/// offering pages, order replays with idempotency keys, usage batches). A token fetched from one instance is used on
/// both, as behind a load balancer. Asserts no errors, not timings; the figures are printed (the full run:
/// bench/Marketplace.Bench load).
/// </summary>
[NonParallelizable]
[Category("Slow")]
public class LoadTests
{
    [Test]
    public async Task Two_instances_serve_the_mixed_workload_without_a_single_error()
    {
        TestDatabase.RequirePostgres();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        // A shared CI machine may stall a request for a few seconds; that is latency, which the full benchmark measures,
        // not an error of the platform: the short form waits up to 15 s for each answer.
        var result = await LoadBenchmark.MeasureAsync(
            new LoadBenchmark.Options(RepoPaths.Root, TestDatabase.PostgresConnectionString ?? throw new InvalidOperationException($"{TestDatabase.PostgresVariable} is not set"), Seconds: 5, Connections: 16, configuration, TimeoutSeconds: 15),
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
