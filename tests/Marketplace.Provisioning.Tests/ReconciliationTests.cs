using System.Text.Json.Nodes;
using Marketplace.Provisioning.Reconciliation;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Reconciliation with a broker that declares instances_retrievable: after a failed or timed-out update and after an
/// unclear provision the instance is fetched (GET /v2/service_instances/:id) and what the broker holds is recorded or
/// adopted; the daily run compares every live subscription and raises one finding per mismatch, once per day across
/// instances, with bounded fetches per broker. On a fake clock, against the strict sample broker.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ReconciliationTests(DatabaseEngine engine)
{
    private const string Vendor = "amtsfuchs-software";
    private ProvisioningWorld _world = null!;
    private FakeTimeProvider _clock = null!;
    private BrokerState Broker => _world.Broker.State;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Provisioning:BaseBackoff"] = "00:00:02", ["Provisioning:MaxBackoff"] = "00:01:00", ["Provisioning:MaxFailures"] = "3",
        ["Provisioning:ReconciliationConcurrencyPerBroker"] = "2",
    };

    [SetUp]
    public async Task SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        _world = await ProvisioningWorld.CreateAsync(engine, b => { b.Mode = BrokerMode.Sync; b.InstancesRetrievable = true; }, Settings, clock: _clock);
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<string> ActiveFundbueroAsync(string ags = ProvisioningWorld.Kiel, string key = "k1")
    {
        var id = await _world.OrderFundbueroAsync(ags, key);
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        return id;
    }

    private Task<SubscriptionView> VendorViewAsync(string id) => _world.Subscriptions.GetForVendorAsync(Vendor, id);

    private Task<string> BehoerdeAsync(string id) =>
        _world.ScalarAsync<string>("SELECT config_json FROM subscription_provisioning WHERE subscription_id = @id", new { id })
            .ContinueWith(t => JsonNode.Parse(t.Result)!["behoerde"]!.GetValue<string>());

    [Test]
    public async Task A_refused_update_is_reverted_and_the_timeline_says_the_broker_kept_the_old_configuration()
    {
        var id = await ActiveFundbueroAsync();
        Broker.AddFault(new FaultRule { Operation = "update", Kind = "400", Times = 1 });

        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, ProvisioningWorld.FundbueroConfig("Fundbüro Neu")));
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(await BehoerdeAsync(id), Is.EqualTo("Fundbüro Kiel"), "the platform reverted");
        Assert.That(Broker.Stats().Fetches, Is.EqualTo(1), "the broker was asked what it holds");
        var fetched = (await VendorViewAsync(id)).Timeline.Single(e => e.Kind == "broker-fetched");
        Assert.That(fetched.Message, Does.Contain("weiterhin die bisherige Konfiguration").And.Contain("de453edc"));
        Assert.That(await _world.Get<ReconciliationFindings>().OfSubscriptionAsync(id), Is.Empty, "the two agree: no finding");
        var buyer = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That(buyer.Timeline.Single(e => e.Kind == "broker-fetched").Message, Is.Null, "the broker's answer is not the buyer's to read");
    }

    [Test]
    public async Task A_timed_out_update_the_broker_carried_out_is_adopted_instead_of_reverted()
    {
        var id = await ActiveFundbueroAsync();
        // The broker makes the change, then never answers in time: every attempt times out.
        Broker.AddFault(new FaultRule { Operation = "update", Kind = "timeout", DelayMs = 10_000, Times = -1, ApplyFirst = true });

        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, ProvisioningWorld.FundbueroConfig("Fundbüro Neu")));
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(await BehoerdeAsync(id), Is.EqualTo("Fundbüro Neu"), "what the broker has is adopted");
        var timeline = (await VendorViewAsync(id)).Timeline;
        Assert.That(timeline.Single(e => e.Kind == "broker-fetched").Message, Does.Contain("übernommen"));
        Assert.That(timeline.Last().Kind, Is.EqualTo("updated"));
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty, "nothing left for a person to do");
    }

    [Test]
    public async Task An_update_that_failed_while_the_broker_lost_the_instance_raises_a_finding()
    {
        var id = await ActiveFundbueroAsync();
        Broker.Instances.TryRemove(await _world.InstanceIdAsync(id), out _);
        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, ProvisioningWorld.FundbueroConfig("Fundbüro Neu")));
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var finding = (await _world.Get<ReconciliationFindings>().OfSubscriptionAsync(id)).Single();
        Assert.That((finding.Kind, finding.Source, finding.ResolvedAt), Is.EqualTo((FindingKinds.Missing, FindingSources.AfterUpdate, (string?)null)));
    }

    [Test]
    public async Task An_unclear_provision_whose_instance_the_broker_holds_as_ordered_is_adopted_without_deleting_it()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = 1 });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Stats().Deleted, Is.Zero, "no orphan mitigation for an instance that is there as ordered");
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { await _world.InstanceIdAsync(id) }));
        var view = await VendorViewAsync(id);
        Assert.That(view.Timeline.Single(e => e.Kind == "broker-fetched").Message, Does.Contain("wie bestellt"));
        Assert.That(view.DashboardUrl, Does.EndWith("/dashboard/" + await _world.InstanceIdAsync(id)), "the dashboard the broker reported");
    }

    [Test]
    public async Task An_unclear_provision_the_broker_has_nothing_of_is_recorded_and_cleaned_up_as_before()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = 1, CreateFirst = false });
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainOnClockAsync(_clock);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var timeline = (await VendorViewAsync(id)).Timeline;
        Assert.That(timeline.Single(e => e.Kind == "broker-fetched").Message, Does.Contain("keine solche Instanz"));
        Assert.That(timeline.Select(e => e.Kind), Does.Contain("orphan-mitigation"), "orphan mitigation still runs");
    }

    [Test]
    public async Task The_daily_run_raises_one_finding_per_mismatch_once_and_resolves_it_when_it_is_gone()
    {
        var plan = await ActiveFundbueroAsync(ProvisioningWorld.Kiel, "k1");
        var parameters = await ActiveFundbueroAsync(ProvisioningWorld.Luebeck, "k2");
        var missing = await ActiveFundbueroAsync(ProvisioningWorld.Friedrichskoog, "k3");
        var same = await ActiveFundbueroAsync(ProvisioningWorld.Muenchen, "k4");
        Broker.Instances[await _world.InstanceIdAsync(plan)].PlanId = "another-plan";
        var drifted = Broker.Instances[await _world.InstanceIdAsync(parameters)];
        var original = drifted.ParametersJson;
        var changed = JsonNode.Parse(original)!.AsObject();
        changed["behoerde"] = "Geändert beim Anbieter";
        drifted.ParametersJson = changed.ToJsonString();
        Broker.Instances.TryRemove(await _world.InstanceIdAsync(missing), out _);
        var job = _world.Get<ReconciliationJob>();
        var findings = _world.Get<ReconciliationFindings>();

        var run = await job.RunIfDueAsync();

        Assert.That(run, Is.Not.Null);
        Assert.That((run!.Compared, run.NewFindings, run.NotRetrievable), Is.EqualTo((4, 3, 0)));
        var open = await findings.ListAsync(Vendor, openOnly: true, 100, 0);
        Assert.That(open.Select(f => (f.SubscriptionId, f.Kind)), Is.EquivalentTo(new[]
        {
            (plan, FindingKinds.Plan), (parameters, FindingKinds.Parameters), (missing, FindingKinds.Missing),
        }));
        var planFinding = open.Single(f => f.Kind == FindingKinds.Plan);
        Assert.That((planFinding.PlatformValue, planFinding.BrokerValue), Is.EqualTo(("de453edc-3906-5f9a-8170-98fde8b34efd", "another-plan")));
        Assert.That(open.Single(f => f.Kind == FindingKinds.Parameters).BrokerValue, Is.EqualTo("behoerde"), "names, never values");
        Assert.That(await findings.OfSubscriptionAsync(same), Is.Empty);
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'reconciliation.finding'"), Is.EqualTo(3));

        Assert.That(await job.RunIfDueAsync(), Is.Null, "once a day");
        Assert.That(Broker.Stats().Fetches, Is.EqualTo(4));

        drifted.ParametersJson = original;
        _clock.Advance(TimeSpan.FromDays(1));
        var next = await job.RunIfDueAsync();
        Assert.That(next!.NewFindings, Is.Zero, "a mismatch that lasts is not raised again");
        Assert.That((await findings.ListAsync(null, openOnly: true, 100, 0)).Select(f => f.Kind), Is.EquivalentTo(new[] { FindingKinds.Plan, FindingKinds.Missing }));
        Assert.That((await findings.OfSubscriptionAsync(parameters)).Single().ResolvedAt, Is.Not.Null, "resolved once the broker agrees again");
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'reconciliation.resolved'"), Is.EqualTo(1));
    }

    [Test]
    public async Task No_parameter_value_the_broker_holds_is_stored_not_even_a_secret_that_differs()
    {
        const string secret = "geheim-geheim-geheim-geheim-0123456789";
        const string brokersSecret = "anderes-geheimnis-beim-anbieter-9876543210";
        var placed = await _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, "melde",
            new Orders.OrderRequest(ProvisioningWorld.Meldeportal, "standard", ["epayment"], ProvisioningWorld.MeldeportalConfig(secret)));
        var id = placed.Order.SubscriptionIds.Single();
        await _world.DrainOnClockAsync(_clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var instance = Broker.Instances[await _world.InstanceIdAsync(id)];
        var parameters = JsonNode.Parse(instance.ParametersJson)!.AsObject();
        Assert.That(parameters["fitConnect"]!["callbackGeheimnis"]!.GetValue<string>(), Is.EqualTo(secret), "the broker was sent the secret");
        parameters["fitConnect"]!["callbackGeheimnis"] = brokersSecret;
        instance.ParametersJson = parameters.ToJsonString();

        await _world.Get<ReconciliationJob>().RunIfDueAsync();
        Broker.AddFault(new FaultRule { Operation = "update", Kind = "400", Times = 1 });
        var changed = ProvisioningWorld.MeldeportalConfig(secret);
        changed["behoerde"] = "Bürgeramt Kiel-Mitte";
        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, changed));
        await _world.DrainOnClockAsync(_clock);

        var finding = (await _world.Get<ReconciliationFindings>().OfSubscriptionAsync(id)).Single();
        Assert.That(finding.BrokerValue, Is.EqualTo("fitConnect"), "the parameter is named");
        Assert.That((await _world.Subscriptions.GetForVendorAsync("komuna-digital", id)).Timeline.Select(e => e.Kind), Does.Contain("broker-fetched"));
        var stored = await _world.AllStoredTextAsync();
        Assert.That(stored.Any(t => t.Contains("reconciliation.finding")), Is.True, "the audit trail is among what is searched");
        foreach (var value in new[] { secret, brokersSecret })
            Assert.That(stored.Where(t => t.Contains(value, StringComparison.Ordinal)), Is.Empty, value[..12]);
    }

    [Test]
    public async Task Two_instances_run_the_day_once_and_fetch_at_most_the_limit_from_one_broker_at_a_time()
    {
        string[] towns = [ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck, ProvisioningWorld.Friedrichskoog, ProvisioningWorld.Muenchen];
        for (var i = 0; i < towns.Length; i++) await ActiveFundbueroAsync(towns[i], "k" + i);
        await using var other = ProvisioningWorld.BuildServices(_world.Database, Settings, _clock);
        // Fetches take a while, so that parallel ones overlap.
        _world.Broker.Options.LatencyMs = 300;

        var runs = await Task.WhenAll(_world.Get<ReconciliationJob>().RunIfDueAsync(), other.GetRequiredService<ReconciliationJob>().RunIfDueAsync());

        Assert.That(runs.Count(r => r is not null), Is.EqualTo(1), "exactly one instance ran the day");
        Assert.That(runs.Single(r => r is not null)!.Compared, Is.EqualTo(4));
        Assert.That(Broker.Stats().Fetches, Is.EqualTo(4));
        Assert.That(Broker.Stats().PeakConcurrentFetches, Is.EqualTo(2), "two at once from one broker, never more");
    }
}

/// <summary>A broker that does not declare instances_retrievable is never asked for an instance.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ReconciliationWithoutRetrievableInstancesTests(DatabaseEngine engine)
{
    [Test]
    public async Task Failed_updates_unclear_provisions_and_the_daily_run_never_fetch_an_instance()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        await using var world = await ProvisioningWorld.CreateAsync(engine, b => b.Mode = BrokerMode.Sync,
            new() { ["Provisioning:BaseBackoff"] = "00:00:02", ["Provisioning:MaxFailures"] = "3" }, clock: clock);
        world.Broker.State.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = 1 });
        var id = await world.OrderFundbueroAsync();
        await world.DrainOnClockAsync(clock);
        world.Broker.State.AddFault(new FaultRule { Operation = "update", Kind = "400", Times = 1 });
        await world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, ProvisioningWorld.FundbueroConfig("Neu")));
        await world.DrainOnClockAsync(clock);

        var run = await world.Get<ReconciliationJob>().RunIfDueAsync();

        Assert.That(await world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(world.Broker.State.Stats().Deleted, Is.EqualTo(1), "the unclear provision was cleaned up by orphan mitigation");
        Assert.That((run!.Compared, run.NotRetrievable), Is.EqualTo((0, 1)));
        Assert.That(world.Broker.State.Stats().Fetches, Is.Zero);
    }
}
