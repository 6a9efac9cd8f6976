using Marketplace.Kernel;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Bindings;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Service bindings against the strict sample broker: bind (sync and async), the credentials shown once, rotation,
/// unbinding, orphan mitigation of a failed bind, a cancellation that deletes the bindings before the instance, and
/// an unbinding retried until a broker that was down confirms it.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BindingTests(DatabaseEngine engine)
{
    private const string Kiel = ProvisioningWorld.Kiel;
    private const string Buyer = ProvisioningWorld.Buyer;
    private ProvisioningWorld _world = null!;

    private BindingService Bindings => _world.Get<BindingService>();
    private BrokerState Broker => _world.Broker.State;

    [TearDown]
    public async Task TearDown()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    private async Task<string> ActiveFundbueroAsync(BrokerMode mode, FakeTimeProvider? clock = null)
    {
        _world = await ProvisioningWorld.CreateAsync(engine, b => b.Mode = mode, clock: clock,
            settings: clock is null ? null : new() { ["Provisioning:BaseBackoff"] = "00:00:02", ["Provisioning:MaxBackoff"] = "00:10:00",
                ["Provisioning:CleanupMaxBackoff"] = "01:00:00", ["Provisioning:MaxFailures"] = "4" });
        var id = await _world.OrderFundbueroAsync();
        await DrainAsync(clock);
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        return id;
    }

    private Task DrainAsync(FakeTimeProvider? clock) => clock is null ? _world.DrainAsync() : _world.DrainOnClockAsync(clock);

    private async Task<BindingView> BoundAsync(string subscription, string name, FakeTimeProvider? clock = null)
    {
        var created = await Bindings.CreateAsync(Kiel, Buyer, subscription, new BindingRequest(name));
        Assert.That(created.State, Is.EqualTo(BindingStates.Creating));
        await DrainAsync(clock);
        var active = (await Bindings.ListAsync(Kiel, subscription)).Single(b => b.Id == created.Id);
        Assert.That((active.State, active.CredentialsAvailable), Is.EqualTo((BindingStates.Active, true)));
        return active;
    }

    [TestCase(BrokerMode.Sync)]
    [TestCase(BrokerMode.Async)]
    public async Task A_binding_is_created_at_the_broker_and_its_credentials_are_shown_exactly_once(BrokerMode mode)
    {
        var id = await ActiveFundbueroAsync(mode);
        var binding = await BoundAsync(id, "Fachverfahren Fundsachen");

        var atBroker = Broker.Bindings.Values.Single();
        Assert.That(atBroker.Id, Is.EqualTo(binding.Id));
        Assert.That(atBroker.InstanceId, Is.EqualTo(await _world.InstanceIdAsync(id)));
        Assert.That(atBroker.AppGuid, Is.EqualTo(binding.Id), "bind_resource.app_guid names the binding");
        Assert.That(atBroker.Context!["ags"]!.GetValue<string>(), Is.EqualTo(Kiel));
        Assert.That(atBroker.Context["binding_name"]!.GetValue<string>(), Is.EqualTo("Fachverfahren Fundsachen"));

        var shown = await Bindings.RevealAsync(Kiel, Buyer, id, binding.Id);
        Assert.That(shown.Credentials["password"]!.GetValue<string>(), Is.EqualTo(atBroker.Credentials["password"]!.GetValue<string>()));
        Assert.That(shown.Credentials["username"]!.GetValue<string>(), Is.EqualTo(atBroker.Credentials["username"]!.GetValue<string>()));
        Assert.That(shown.Endpoints, Has.Count.EqualTo(1));

        var again = await Assert.ThrowsAsync<ConflictException>(() => Bindings.RevealAsync(Kiel, Buyer, id, binding.Id));
        Assert.That(again!.Message, Does.Contain("nicht noch einmal"));
        var listed = (await Bindings.ListAsync(Kiel, id)).Single();
        Assert.That((listed.CredentialsAvailable, listed.CredentialsRevealedAt), Is.EqualTo((false, shown.RevealedAt)));
        var stored = await _world.ScalarAsync<string>("SELECT credentials_protected FROM subscription_bindings WHERE id = @id", new { id = binding.Id });
        Assert.That(stored, Does.Not.Contain(atBroker.Credentials["password"]!.GetValue<string>()), "stored encrypted");
    }

    [Test]
    public async Task A_plan_that_is_not_bindable_is_refused_with_a_problem_naming_the_plan()
    {
        _world = await ProvisioningWorld.CreateAsync(engine, b => b.Mode = BrokerMode.Sync);
        var result = await _world.Orders.PlaceAsync(Kiel, Buyer, "m1",
            new Orders.OrderRequest(ProvisioningWorld.Meldeportal, "standard", [], ProvisioningWorld.MeldeportalConfig()));
        var id = result.Order.SubscriptionIds.Single();
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));

        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => Bindings.CreateAsync(Kiel, Buyer, id, new BindingRequest("Fachverfahren")));
        Assert.That(refused!.Errors.Select(e => e.Field), Is.EqualTo(new[] { "planId" }));
        Assert.That(await Bindings.BindableAsync(Kiel, id), Is.False);
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM subscription_bindings"), Is.Zero, "no row written");
        Assert.That(Broker.Bindings, Is.Empty);
    }

    [Test]
    public async Task Another_municipality_finds_no_such_subscription_and_a_name_is_required()
    {
        var id = await ActiveFundbueroAsync(BrokerMode.Sync);
        await Assert.ThrowsAsync<NotFoundException>(() => Bindings.CreateAsync(ProvisioningWorld.Luebeck, Buyer, id, new BindingRequest("x")));
        await Assert.ThrowsAsync<NotFoundException>(() => Bindings.ListAsync(ProvisioningWorld.Luebeck, id));
        await Assert.ThrowsAsync<NotFoundException>(() => Bindings.ListForVendorAsync("komuna-digital", id));
        var unnamed = await Assert.ThrowsAsync<RequestValidationException>(() => Bindings.CreateAsync(Kiel, Buyer, id, new BindingRequest("  ")));
        Assert.That(unnamed!.Errors.Single().Field, Is.EqualTo("name"));
        var binding = await BoundAsync(id, "Fachverfahren");
        await Assert.ThrowsAsync<NotFoundException>(() => Bindings.RevealAsync(ProvisioningWorld.Luebeck, Buyer, id, binding.Id));
        var duplicate = await Assert.ThrowsAsync<RequestValidationException>(() => Bindings.CreateAsync(Kiel, Buyer, id, new BindingRequest("fachverfahren")));
        Assert.That(duplicate!.Errors.Single().Field, Is.EqualTo("name"));
        // The vendor reads the metadata of its own offering's bindings, never credentials.
        var vendor = (await Bindings.ListForVendorAsync("amtsfuchs-software", id)).Single();
        Assert.That(vendor.Name, Is.EqualTo("Fachverfahren"));
    }

    [Test]
    public async Task A_rotation_creates_new_credentials_and_deletes_the_old_binding_once_the_new_one_is_active()
    {
        var id = await ActiveFundbueroAsync(BrokerMode.Async);
        var old = await BoundAsync(id, "Fachverfahren");
        var oldPassword = Broker.Bindings[old.Id].Credentials["password"]!.GetValue<string>();

        var rotated = await Bindings.RotateAsync(Kiel, Buyer, id, old.Id);
        Assert.That((rotated.Name, rotated.ReplacesBindingId, rotated.State), Is.EqualTo(("Fachverfahren", old.Id, BindingStates.Creating)));
        await _world.DrainAsync();

        var listed = await Bindings.ListAsync(Kiel, id);
        Assert.That(listed.Select(b => (b.Id, b.State)), Is.EqualTo(new[] { (rotated.Id, BindingStates.Active) }), "the old one is gone");
        Assert.That(Broker.Bindings.Keys, Is.EqualTo(new[] { rotated.Id }));
        Assert.That(Broker.DeletedBindings.Keys, Is.EqualTo(new[] { old.Id }));
        var shown = await Bindings.RevealAsync(Kiel, Buyer, id, rotated.Id);
        Assert.That(shown.Credentials["password"]!.GetValue<string>(), Is.Not.EqualTo(oldPassword));
        var audit = await _world.ScalarListAsync<string>("SELECT action FROM audit_log WHERE object_type = 'subscription-binding'");
        Assert.That(audit, Is.SupersetOf(new[] { "binding.requested", "binding.activated", "binding.rotation-requested", "binding.rotated", "binding.deleted",
            "binding.credentials-shown" }));
    }

    [Test]
    public async Task Unbinding_deletes_the_credentials_at_the_broker_and_the_stored_copy()
    {
        var id = await ActiveFundbueroAsync(BrokerMode.Async);
        var binding = await BoundAsync(id, "Fachverfahren");
        await Bindings.DeleteAsync(Kiel, Buyer, id, binding.Id);
        Assert.That((await Bindings.ListAsync(Kiel, id)).Single().State, Is.EqualTo(BindingStates.Deleting));
        await Assert.ThrowsAsync<ConflictException>(() => Bindings.DeleteAsync(Kiel, Buyer, id, binding.Id), "one live operation per binding");
        await _world.DrainAsync();

        Assert.That(await Bindings.ListAsync(Kiel, id), Is.Empty);
        Assert.That(Broker.Bindings, Is.Empty);
        Assert.That(await _world.ScalarAsync<string?>("SELECT credentials_protected FROM subscription_bindings WHERE id = @id", new { id = binding.Id }), Is.Null);
        await Assert.ThrowsAsync<NotFoundException>(() => Bindings.RevealAsync(Kiel, Buyer, id, binding.Id));
    }

    [Test]
    public async Task A_bind_the_broker_answers_with_an_error_is_deleted_at_the_broker_and_ends_failed()
    {
        var id = await ActiveFundbueroAsync(BrokerMode.Sync);
        Broker.AddFault(new FaultRule { Operation = "bind", Kind = "500", Times = 1 });
        var created = await Bindings.CreateAsync(Kiel, Buyer, id, new BindingRequest("Fachverfahren"));
        await _world.DrainAsync();

        Assert.That((await Bindings.ListAsync(Kiel, id)).Single().State, Is.EqualTo(BindingStates.Failed));
        Assert.That(Broker.Bindings, Is.Empty, "orphan mitigation deleted what the broker created");
        Assert.That(Broker.DeletedBindings.Keys, Is.EqualTo(new[] { created.Id }));
        Assert.That((await Bindings.ListForVendorAsync("amtsfuchs-software", id)).Single().FailureReason, Does.Contain("500"), "the vendor reads why");
        Assert.That((await Bindings.ListAsync(Kiel, id)).Single().FailureReason, Is.Null, "the buyer does not read the broker's answer");
        // A failed binding is removed from the list without a broker call; a new one can take its name.
        await Bindings.DeleteAsync(Kiel, Buyer, id, created.Id);
        Assert.That(await Bindings.ListAsync(Kiel, id), Is.Empty);
        await BoundAsync(id, "Fachverfahren");
    }

    [Test]
    public async Task A_cancellation_deletes_every_binding_before_the_instance_and_leaves_nothing_at_the_broker()
    {
        var id = await ActiveFundbueroAsync(BrokerMode.Async);
        await BoundAsync(id, "Fachverfahren A");
        await BoundAsync(id, "Fachverfahren B");
        Assert.That(Broker.Bindings, Has.Count.EqualTo(2));

        var cancelling = await _world.Subscriptions.CancelAsync(Kiel, Buyer, id);
        Assert.That(cancelling.State, Is.EqualTo(SubscriptionStates.Deprovisioning));
        Assert.That((await Bindings.ListAsync(Kiel, id)).Select(b => b.State), Is.All.EqualTo(BindingStates.Deleting));
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That((Broker.Bindings.Count, Broker.Instances.Count), Is.EqualTo((0, 0)), "zero bindings and zero instances at the broker");
        var instanceDeleted = Broker.Deleted.Values.Single();
        Assert.That(Broker.DeletedBindings.Values, Has.Count.EqualTo(2).And.All.LessThanOrEqualTo(instanceDeleted), "bindings first, then the instance");
        Assert.That(await Bindings.ListAsync(Kiel, id), Is.Empty);
    }

    [Test]
    public async Task An_unbinding_while_the_broker_is_down_is_retried_until_the_broker_confirms()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var id = await ActiveFundbueroAsync(BrokerMode.Sync, clock);
        var binding = await BoundAsync(id, "Fachverfahren", clock);
        var kept = Broker.Bindings.ToArray();
        var instances = Broker.Instances.ToArray();
        await _world.StopBrokerAsync();

        await Bindings.DeleteAsync(Kiel, Buyer, id, binding.Id);
        JobRecord? job = null;
        for (var i = 0; i < 200 && (job?.Failures ?? 0) < 8; i++)
        {
            await _world.DrainOnClockAsync(clock, rounds: 1);
            job = (await _world.Jobs.JobsOfSubscriptionAsync(id)).Single(j => j.Kind == JobKinds.Unbind);
        }
        Assert.That((job!.State, job.Failures), Is.EqualTo((JobStates.Queued, 8L)), "more than MaxFailures attempts, never dead-lettered");
        Assert.That(job.RunAt - clock.GetUtcNow(), Is.LessThanOrEqualTo(TimeSpan.FromHours(1)), "backoff capped");
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty);
        Assert.That(await _world.Jobs.PendingCleanupsAsync(), Is.EqualTo(1));
        Assert.That((await Bindings.ListAsync(Kiel, id)).Single().State, Is.EqualTo(BindingStates.Deleting));

        await _world.StartBrokerAgainAsync(instances);
        foreach (var (key, value) in kept) Broker.Bindings[key] = value;
        await _world.DrainOnClockAsync(clock);

        Assert.That(Broker.Bindings, Is.Empty, "deleted once the broker answered again");
        Assert.That(await Bindings.ListAsync(Kiel, id), Is.Empty);
        Assert.That(await _world.Jobs.PendingCleanupsAsync(), Is.Zero);
    }

    [Test]
    public void The_catalogue_decides_bindability_with_the_plan_flag_over_the_service_flag()
    {
        var catalog = JsonNode.Parse("""
            {"services":[
              {"id":"s1","bindable":true,"bindings_retrievable":true,"plans":[{"id":"p1"},{"id":"p2","bindable":false}]},
              {"id":"s2","bindable":false,"plans":[{"id":"p3","bindable":true},{"id":"p4"}]}]}
            """)!.AsObject();
        var plans = BrokerCatalogs.Plans(catalog);
        Assert.That(plans.ToDictionary(p => p.Key, p => (p.Value.Bindable, p.Value.BindingsRetrievable)), Is.EquivalentTo(new Dictionary<string, (bool, bool)>
        {
            ["p1"] = (true, true), ["p2"] = (false, true), ["p3"] = (true, false), ["p4"] = (false, false),
        }));
    }
}
