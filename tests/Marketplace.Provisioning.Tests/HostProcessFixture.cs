using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Npgsql;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// A world on PostgreSQL per test, a rollout of the Fundbüro to every sample municipality created through the service
/// layer in this process, and worker host processes that carry it out.
/// </summary>
public abstract class HostProcessFixture
{
    /// <summary>
    /// For the tests that wait for the leases of a dead or cut-off process to run out. Elsewhere hosts keep the default
    /// lease (30 s), so that a host starved of CPU on a busy machine does not lose its own running jobs to a takeover.
    /// </summary>
    protected static readonly Dictionary<string, string> ShortLeases = new() { ["Provisioning__LeaseDuration"] = "00:00:05" };

    protected ProvisioningWorld World { get; private set; } = null!;
    protected List<string> Municipalities { get; private set; } = null!;

    protected async Task StartAsync(Action<SampleBroker.SampleBrokerOptions> broker, string? postgresAdmin = null)
    {
        TestDatabase.RequirePostgres();
        World = await ProvisioningWorld.CreateAsync(DatabaseEngine.Postgres, broker, postgresAdmin: postgresAdmin);
        await using var c = await World.Database.OpenAsync();
        Municipalities = (await c.QueryAsync<string>("SELECT ags FROM municipalities ORDER BY ags")).ToList();
    }

    [TearDown]
    public async Task DisposeWorldAsync()
    {
        if (World is not null) await World.DisposeAsync();
        World = null!;
    }

    protected async Task<string> RolloutAsync(int brokerLimit)
    {
        await World.Brokers.ConfigureAsync("amtsfuchs-software", BrokerAuth.Anonymous, brokerLimit, "vendor-admin");
        var csv = "ags,behoerde\n" + string.Join("\n", Municipalities.Select(a => $"{a},Fundbüro {a}"));
        var result = await World.Rollouts.CreateAsync("bundler", "org", new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], Municipalities, null,
            new JsonObject { ["kontaktEmail"] = "fundsachen@land.example" }, csv));
        Assert.That(result.Created, Is.EqualTo(Municipalities.Count));
        return result.RolloutId;
    }

    protected async Task<RolloutProgress> WaitAsync(string rolloutId, Func<RolloutProgress, bool> until, TimeSpan within, params HostProcess[] hosts)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                var progress = await World.Rollouts.ProgressAsync(rolloutId);
                if (until(progress)) return progress;
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"rollout not there in {within}: {string.Join(", ", progress.CountsByState)}\n{string.Join("\n", hosts.Select(h => h.Output))}");
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                // The database restarted under this process's own pooled connections too; the next read opens new ones.
                NpgsqlConnection.ClearAllPools();
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the worker has claimed <paramref name="count"/> jobs, so that their broker calls are under way.</summary>
    protected async Task WaitForRunningJobsAsync(int count, TimeSpan within, HostProcess host)
    {
        var deadline = DateTime.UtcNow + within;
        while (await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state = 'running'") < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{count} jobs not running in {within}\n{host.Output}");
            await Task.Delay(20);
        }
    }

    protected void AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(RolloutProgress progress)
    {
        Assert.That(progress.Count(SubscriptionStates.Active), Is.EqualTo(Municipalities.Count), string.Join(", ", progress.CountsByState));
        var stats = World.Broker.State.Stats();
        Assert.That(stats.Instances, Is.EqualTo(Municipalities.Count));
        Assert.That(stats.InstancesPerAgs.Keys, Is.EquivalentTo(Municipalities));
        Assert.That(stats.InstancesPerAgs.Values, Has.All.EqualTo(1), "one instance per municipality");
        Assert.That(stats.CreationsPerInstance.Values, Has.All.EqualTo(1), "no instance was created twice");
    }
}
