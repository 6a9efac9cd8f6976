using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Npgsql;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Faults a real deployment meets, with worker host processes on PostgreSQL: the database restarts in the middle of a
/// rollout, and a host is stopped gracefully (SIGTERM) while broker calls are in flight, once with time to finish them
/// and once without. Each ends with exactly one broker instance and one active subscription per municipality.
/// </summary>
[NonParallelizable]
[Category("Slow")]
public class FaultTests
{
    private ProvisioningWorld _world = null!;
    private PostgresCluster? _cluster;
    private List<string> _municipalities = null!;

    private async Task StartAsync(Action<SampleBroker.SampleBrokerOptions> broker, bool ownServer = false)
    {
        TestDatabase.RequirePostgres();
        if (ownServer) _cluster = await PostgresCluster.StartAsync();
        _world = await ProvisioningWorld.CreateAsync(DatabaseEngine.Postgres, broker, postgresAdmin: _cluster?.AdminConnectionString);
        await using var c = await _world.Database.OpenAsync();
        _municipalities = (await c.QueryAsync<string>("SELECT ags FROM municipalities ORDER BY ags")).ToList();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_world is not null) await _world.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        _cluster = null;
    }

    private async Task<string> RolloutAsync(int brokerLimit)
    {
        await _world.Brokers.ConfigureAsync("amtsfuchs-software", BrokerAuth.Anonymous, brokerLimit, "vendor-admin");
        var csv = "ags,behoerde\n" + string.Join("\n", _municipalities.Select(a => $"{a},Fundbüro {a}"));
        var result = await _world.Rollouts.CreateAsync("bundler", "org", new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], _municipalities, null,
            new JsonObject { ["kontaktEmail"] = "fundsachen@land.example" }, csv));
        return result.RolloutId;
    }

    private async Task<RolloutProgress> WaitAsync(string rolloutId, Func<RolloutProgress, bool> until, TimeSpan within, params HostProcess[] hosts)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                var progress = await _world.Rollouts.ProgressAsync(rolloutId);
                if (until(progress)) return progress;
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"not there in {within}: {string.Join(", ", progress.CountsByState)}\n{string.Join("\n", hosts.Select(h => h.Output))}");
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                // This test process's own pooled connections broke with the restart too; the next read opens new ones.
                NpgsqlConnection.ClearAllPools();
            }
            await Task.Delay(200);
        }
    }

    private void AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(RolloutProgress progress)
    {
        Assert.That(progress.Count(SubscriptionStates.Active), Is.EqualTo(_municipalities.Count), string.Join(", ", progress.CountsByState));
        var stats = _world.Broker.State.Stats();
        Assert.That(stats.InstancesPerAgs.Keys, Is.EquivalentTo(_municipalities));
        Assert.That(stats.InstancesPerAgs.Values, Has.All.EqualTo(1), "one instance per municipality");
        Assert.That(stats.CreationsPerInstance.Values, Has.All.EqualTo(1), "no instance was created twice");
    }

    [Test]
    public async Task A_database_restart_in_the_middle_of_a_rollout_loses_nothing_and_doubles_nothing()
    {
        await StartAsync(b => { b.LatencyMs = 300; b.RetryAfterSeconds = 1; }, ownServer: true);
        var rollout = await RolloutAsync(brokerLimit: 8);
        await using var worker = await HostProcess.StartWorkerAsync(_world.Database.ConnectionString);
        var before = await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= 8, TimeSpan.FromSeconds(90), worker);
        Assert.That(before.Finished, Is.False, "restarted in the middle");

        await _cluster!.RestartAsync(down: TimeSpan.FromSeconds(2));
        NpgsqlConnection.ClearAllPools();
        TestContext.Out.WriteLine($"database restarted at {string.Join(", ", before.CountsByState)}");

        var after = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), worker);
        Assert.That(worker.HasExited, Is.False, "the worker rode out the restart");
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(after);
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state NOT IN ('done')"), Is.Zero, "every job finished");
    }

    [Test]
    public async Task Graceful_shutdown_lets_running_broker_calls_finish()
    {
        await StartAsync(b => { b.LatencyMs = 1500; b.Mode = SampleBroker.BrokerMode.Sync; });
        var rollout = await RolloutAsync(brokerLimit: 8);
        var first = await HostProcess.StartWorkerAsync(_world.Database.ConnectionString, new Dictionary<string, string> { ["Provisioning__ShutdownGrace"] = "00:00:20" });
        await using (first)
        {
            await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= 4, TimeSpan.FromSeconds(60), first);
            await first.TerminateAsync(TimeSpan.FromSeconds(40));
        }
        var unfinished = await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_job_attempts WHERE finished_at IS NULL");
        var held = await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE lease_owner IS NOT NULL");
        Assert.Multiple(() =>
        {
            Assert.That(unfinished, Is.Zero, "every run the stopped process began was finished and recorded");
            Assert.That(held, Is.Zero, "the stopped process holds no lease");
        });

        await using var second = await HostProcess.StartWorkerAsync(_world.Database.ConnectionString);
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), second));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_job_attempts WHERE outcome = 'lease-expired'"), Is.Zero,
            "nothing had to be taken over");
    }

    [Test]
    public async Task Graceful_shutdown_releases_the_jobs_it_cannot_finish_so_another_process_takes_them_at_once()
    {
        // Broker calls take longer than the shutdown grace, and leases last longer than the test may wait: only a
        // released lease lets the second process continue in time.
        await StartAsync(b => { b.LatencyMs = 4000; b.Mode = SampleBroker.BrokerMode.Sync; });
        var rollout = await RolloutAsync(brokerLimit: 8);
        var slowLeases = new Dictionary<string, string> { ["Provisioning__ShutdownGrace"] = "00:00:00.200", ["Provisioning__LeaseDuration"] = "00:05:00" };
        var first = await HostProcess.StartWorkerAsync(_world.Database.ConnectionString, slowLeases);
        await using (first)
        {
            // The first eight answers are in: the next eight broker calls are under way (four seconds each).
            await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= 8, TimeSpan.FromSeconds(60), first);
            await Task.Delay(500);
            await first.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.That(first.Output, Does.Contain("released"), first.Output);
        }
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state = 'running' AND lease_expires_at > @now",
            new { now = AuditTrail.Timestamp(DateTimeOffset.UtcNow) }), Is.Zero, "no live lease is left behind");

        await using var second = await HostProcess.StartWorkerAsync(_world.Database.ConnectionString, slowLeases);
        var after = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(150), second);
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(after);
    }
}
