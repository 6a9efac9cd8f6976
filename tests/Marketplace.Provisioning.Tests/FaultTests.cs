using Marketplace.Provisioning.Subscriptions;
using Marketplace.Testing;
using Npgsql;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// The database restarts in the middle of a rollout carried out by a worker host process. Alone: the restart test's
/// server is its own, but it clears this process's connection pools.
/// </summary>
[NonParallelizable]
[Category("Slow")]
public class FaultTests : HostProcessFixture
{
    private PostgresCluster? _cluster;

    [TearDown]
    public async Task StopClusterAsync()
    {
        await DisposeWorldAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        _cluster = null;
    }

    [Test]
    public async Task A_database_restart_in_the_middle_of_a_rollout_loses_nothing_and_doubles_nothing()
    {
        _cluster = await PostgresCluster.StartAsync();
        await StartAsync(b => { b.LatencyMs = 300; b.RetryAfterSeconds = 1; }, _cluster.AdminConnectionString);
        var rollout = await RolloutAsync(brokerLimit: 24);
        await using var worker = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, ShortLeases);
        var before = await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= 8, TimeSpan.FromSeconds(90), worker);
        Assert.That(before.Finished, Is.False, "restarted in the middle");

        await _cluster.RestartAsync(down: TimeSpan.FromSeconds(2));
        NpgsqlConnection.ClearAllPools();
        TestContext.Out.WriteLine($"database restarted at {string.Join(", ", before.CountsByState)}");

        var after = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), worker);
        Assert.That(worker.HasExited, Is.False, "the worker rode out the restart");
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(after);
        Assert.That(await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state NOT IN ('done')"), Is.Zero, "every job finished");
    }
}
