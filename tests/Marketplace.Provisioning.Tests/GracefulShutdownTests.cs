using Marketplace.Storage;
using Marketplace.Provisioning.Subscriptions;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// A worker host process stopped gracefully (SIGTERM) while broker calls are in flight, once with time to finish them
/// and once without. Each ends with exactly one broker instance and one active subscription per municipality.
/// </summary>
[Category("Slow")]
public class GracefulShutdownTests : HostProcessFixture
{
    // A round of broker calls covers a third of the municipalities: one round done, one in flight at the stop, the rest after.
    private const int BrokerLimit = 24;

    [Test]
    public async Task Graceful_shutdown_lets_running_broker_calls_finish()
    {
        // Calls of 2 s: long enough that the stop comes while they run, far within the 20 s they are given.
        await StartAsync(b => { b.LatencyMs = 2000; b.Mode = SampleBroker.BrokerMode.Sync; });
        var rollout = await RolloutAsync(BrokerLimit);
        var first = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, new Dictionary<string, string> { ["Provisioning__ShutdownGrace"] = "00:00:20" });
        await using (first)
        {
            await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= BrokerLimit, TimeSpan.FromSeconds(60), first);
            await WaitForRunningJobsAsync(BrokerLimit, TimeSpan.FromSeconds(30), first);
            await first.TerminateAsync(TimeSpan.FromSeconds(40));
            Assert.That(first.Output, Does.Contain("to finish"), "the stop came while broker calls were running");
        }
        var unfinished = await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_job_attempts WHERE finished_at IS NULL");
        var held = await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE lease_owner IS NOT NULL");
        Assert.Multiple(() =>
        {
            Assert.That(unfinished, Is.Zero, "every run the stopped process began was finished and recorded");
            Assert.That(held, Is.Zero, "the stopped process holds no lease");
        });

        await using var second = await HostProcess.StartWorkerAsync(World.Database.ConnectionString);
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), second));
        Assert.That(await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_job_attempts WHERE outcome = 'lease-expired'"), Is.Zero,
            "nothing had to be taken over");
    }

    [Test]
    public async Task Graceful_shutdown_releases_the_jobs_it_cannot_finish_so_another_process_takes_them_at_once()
    {
        // Broker calls take fifteen times the shutdown grace, and leases last longer than the test may wait: only a
        // released lease lets the second process continue in time.
        await StartAsync(b => { b.LatencyMs = 3000; b.Mode = SampleBroker.BrokerMode.Sync; });
        var rollout = await RolloutAsync(BrokerLimit);
        var slowLeases = new Dictionary<string, string> { ["Provisioning__ShutdownGrace"] = "00:00:00.200", ["Provisioning__LeaseDuration"] = "00:05:00" };
        var first = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, slowLeases);
        await using (first)
        {
            // The first round of answers is in and the next round of broker calls is under way.
            await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= BrokerLimit, TimeSpan.FromSeconds(60), first);
            await WaitForRunningJobsAsync(BrokerLimit, TimeSpan.FromSeconds(30), first);
            await first.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.That(first.Output, Does.Contain("released"), first.Output);
        }
        Assert.That(await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state = 'running' AND lease_expires_at > @now",
            new { now = StoredTimestamp.Format(DateTimeOffset.UtcNow) }), Is.Zero, "no live lease is left behind");

        await using var second = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, slowLeases);
        var after = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(150), second);
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(after);
    }
}
