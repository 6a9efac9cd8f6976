using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Deletions at the broker never give up: orphan mitigation and cancellations are retried, with backoff capped at an
/// hour, until the broker confirms, on a fake clock; what the buyer reads meanwhile; a subscription the broker never
/// created is cancelled without a DELETE and ordered again.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class CleanupTests(DatabaseEngine engine)
{
    private const string Vendor = "amtsfuchs-software";
    private ProvisioningWorld _world = null!;
    private FakeTimeProvider _clock = null!;
    private BrokerState Broker => _world.Broker.State;

    [SetUp]
    public async Task SetUp()
    {
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _world = await ProvisioningWorld.CreateAsync(engine, b => b.Mode = BrokerMode.Sync, new()
        {
            ["Provisioning:BaseBackoff"] = "00:00:02", ["Provisioning:MaxBackoff"] = "00:10:00", ["Provisioning:CleanupMaxBackoff"] = "01:00:00",
            ["Provisioning:MaxFailures"] = "6",
        }, clock: _clock);
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    /// <summary>Runs attempts on the fake clock until the subscription's live job has failed this often.</summary>
    private async Task<JobRecord> FailUntilAsync(string subscription, int failures)
    {
        for (var i = 0; i < 200; i++)
        {
            var live = (await _world.Jobs.JobsOfSubscriptionAsync(subscription)).Single(j => j.State is JobStates.Queued or JobStates.Running or JobStates.Polling);
            if (live.Failures >= failures) return live;
            await _world.DrainOnClockAsync(_clock, rounds: 1);
        }
        Assert.Fail($"the job did not fail {failures} times");
        return null!;
    }

    [Test]
    public async Task An_orphan_left_while_the_broker_was_unreachable_for_long_is_deleted_when_it_comes_back()
    {
        // The broker creates the instance and then answers 500: orphan mitigation must delete it, but the broker goes down.
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = 1 });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock, rounds: 1);
        var orphan = Broker.Instances.ToArray();
        Assert.That(orphan, Has.Length.EqualTo(1));
        await _world.StopBrokerAsync();

        var job = await FailUntilAsync(id, 12);
        Assert.That(job.Phase, Is.EqualTo("mitigate"), "still deleting after more than MaxFailures attempts, not dead-lettered");
        Assert.That(job.RunAt - _clock.GetUtcNow(), Is.LessThanOrEqualTo(TimeSpan.FromHours(1)), "backoff capped at an hour");
        Assert.That(job.RunAt - _clock.GetUtcNow(), Is.GreaterThan(TimeSpan.FromMinutes(10)), "beyond the provisioning cap by now");
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty);
        Assert.That(await _world.Jobs.PendingCleanupsAsync(), Is.EqualTo(1));
        var buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That((buyer.State, buyer.Condition), Is.EqualTo((SubscriptionStates.Provisioning, SubscriptionConditions.BeingRemoved)));

        await _world.StartBrokerAgainAsync(orphan);
        await _world.DrainOnClockAsync(_clock);

        Assert.That(Broker.Stats().Deleted, Is.EqualTo(1), "the orphan was deleted without anyone retrying by hand");
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { await _world.InstanceIdAsync(id) }), "and provisioning went on with a new instance id");
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(await _world.Jobs.PendingCleanupsAsync(), Is.Zero);
    }

    [Test]
    public async Task A_cancellation_while_the_broker_is_unreachable_for_long_ends_with_the_instance_deleted()
    {
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var instances = Broker.Instances.ToArray();
        await _world.StopBrokerAsync();

        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await FailUntilAsync(id, 10);
        var buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That((buyer.State, buyer.Condition), Is.EqualTo((SubscriptionStates.Deprovisioning, SubscriptionConditions.BeingRemoved)));
        Assert.That(buyer.Timeline.Count(e => e.Kind == "cleanup-retrying"), Is.EqualTo(1), "the timeline says it once, not per attempt");
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty);

        await _world.StartBrokerAgainAsync(instances);
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That(Broker.Instances, Is.Empty);
    }

    [Test]
    public async Task A_broker_that_refuses_the_deletion_is_asked_again_until_it_confirms()
    {
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);
        Broker.AddFault(new FaultRule { Operation = "deprovision", Kind = "400", Times = 8 });
        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That(Broker.Instances, Is.Empty);
    }

    [Test]
    public async Task A_subscription_the_broker_refused_is_cancelled_without_a_delete_and_can_be_ordered_again()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "400", CreateFirst = false });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));

        var cancelled = await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        Assert.That(cancelled.State, Is.EqualTo(SubscriptionStates.Cancelled), "at once: there is nothing to delete");
        Assert.That((await _world.Jobs.JobsOfSubscriptionAsync(id)).Select(j => j.Kind), Has.None.EqualTo(JobKinds.Deprovision));
        Assert.That(Broker.Stats().Deleted, Is.Zero);

        var again = await _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, "again",
            new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig()));
        Assert.That(again.Order.SubscriptionIds.Single(), Is.EqualTo(id));
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { await _world.InstanceIdAsync(id) }));
    }

    [Test]
    public async Task Buyers_read_the_failure_class_and_vendors_the_brokers_answer()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "400", CreateFirst = false });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);

        var buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That((buyer.FailureClass, buyer.FailureReason), Is.EqualTo((FailureClasses.Rejected, (string?)null)));
        Assert.That(buyer.Timeline.Where(e => e.ActorUserId == SubscriptionJobHandler.SystemActor).Select(e => e.Message), Has.All.Null,
            "the platform's notes quote the broker");
        Assert.That((await _world.Subscriptions.ListAsync(ProvisioningWorld.Kiel)).Single().FailureReason, Is.Null);

        var vendor = await _world.Subscriptions.GetForVendorAsync(Vendor, id);
        Assert.That(vendor.FailureReason, Does.Contain("400"));
        Assert.That(vendor.Timeline.Single(e => e.ToState == SubscriptionStates.Failed).Message, Does.Contain("400"));
    }

    [Test]
    public async Task Buyers_read_that_the_platform_keeps_trying_while_the_broker_is_unreachable()
    {
        var id = await _world.OrderFundbueroAsync();
        await _world.StopBrokerAsync();
        await FailUntilAsync(id, 2);
        var buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That(buyer.Condition, Is.EqualTo(SubscriptionConditions.Retrying));

        await FailUntilAsync(id, 5);
        await _world.DrainOnClockAsync(_clock);
        buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That((buyer.State, buyer.FailureClass, buyer.Condition), Is.EqualTo((SubscriptionStates.Failed, FailureClasses.Unreachable, (string?)null)));
        await _world.StartBrokerAgainAsync();
    }
}
