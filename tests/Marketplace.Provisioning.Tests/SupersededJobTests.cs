using Marketplace.Kernel;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>A dead-letter entry of a subscription that has moved on: closed, not counted by readiness, and not retried.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class SupersededJobTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [SetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<(string Subscription, JobRecord Dead)> DeadProvisionAsync()
    {
        _world.Broker.State.AddFault(new FaultRule { Operation = "provision", Kind = "422", ErrorCode = "ConcurrencyError", Times = 4, CreateFirst = false });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        return (id, (await _world.Jobs.DeadLetterAsync()).Single());
    }

    [Test]
    public async Task A_dead_job_counts_for_readiness_until_its_subscription_moves_on()
    {
        var (id, _) = await DeadProvisionAsync();
        var monitor = _world.Get<JobQueueMonitor>();
        Assert.That((await monitor.CheckHealthAsync(new HealthCheckContext())).Status, Is.EqualTo(HealthStatus.Degraded));

        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty, "the entry closed when the subscription moved on");
        Assert.That(await _world.Jobs.OpenDeadCountAsync(), Is.Zero);
        Assert.That((await monitor.CheckHealthAsync(new HealthCheckContext())).Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE state = 'dead'"), Is.EqualTo(1), "the history is kept");
    }

    [Test]
    public async Task Retrying_a_superseded_dead_job_is_refused_with_the_newer_job_named()
    {
        var (id, dead) = await DeadProvisionAsync();
        // The municipality cancels while the broker is slow: the cancellation's job is live when the old job is retried.
        _world.Broker.Options.LatencyMs = 400;
        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        var newer = (await _world.Jobs.JobsOfSubscriptionAsync(id)).Single(j => j.Id != dead.Id);

        var refused = await Assert.ThrowsAsync<ConflictException>(() => _world.Subscriptions.RetryDeadJobAsync(dead.Id, "platform-admin", null));
        Assert.That(refused!.Message, Does.Contain("überholt").And.Contain(newer.Id).And.Contain(JobKinds.Deprovision));
        Assert.That((await _world.Jobs.GetAsync(dead.Id))!.State, Is.EqualTo(JobStates.Dead), "the old job stays where it was");

        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        await Assert.ThrowsAsync<ConflictException>(() => _world.Subscriptions.RetryDeadJobAsync(dead.Id, "platform-admin", null),
            "also once the newer job is done");
    }
}
