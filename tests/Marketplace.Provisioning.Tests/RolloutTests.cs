using Marketplace.Kernel;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>Bulk rollouts in this process: Land-wide and listed, CSV overrides, progress, failures, retry, vendor limit.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class RolloutTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [SetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private static readonly JsonObject Common = new() { ["kontaktEmail"] = "fundsachen@land.example" };

    [Test]
    public async Task A_Land_wide_rollout_gives_every_municipality_its_own_configuration_from_the_csv()
    {
        await _world.OrderFundbueroAsync(ProvisioningWorld.Kiel);
        var csv = "ags;behoerde;aufbewahrungMonate\n01003000;Fundbüro Lübeck;9\n01051034;Fundbüro Friedrichskoog;\n01054039;Fundbüro Gröde;\n01061046;Fundbüro Itzehoe;3\n";
        var result = await _world.Rollouts.CreateAsync("bundler-user", "org-sh", new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], null, "01", Common, csv));

        Assert.That(result.Created, Is.EqualTo(4));
        Assert.That(result.Skipped.Single().Ags, Is.EqualTo(ProvisioningWorld.Kiel), "Kiel had ordered already");
        await _world.DrainAsync();

        var progress = await _world.Rollouts.ProgressAsync(result.RolloutId);
        Assert.That(progress.Count(SubscriptionStates.Active), Is.EqualTo(4));
        Assert.That(progress.Finished, Is.True);
        Assert.That(progress.EstimatedRemaining, Is.EqualTo(TimeSpan.Zero));
        var luebeck = _world.Broker.State.Instances.Values.Single(i => i.Ags == ProvisioningWorld.Luebeck);
        var parameters = JsonNode.Parse(luebeck.ParametersJson)!;
        Assert.That((parameters["behoerde"]!.GetValue<string>(), parameters["aufbewahrungMonate"]!.GetValue<int>(), parameters["kontaktEmail"]!.GetValue<string>()),
            Is.EqualTo(("Fundbüro Lübeck", 9, "fundsachen@land.example")));
    }

    [Test]
    public async Task Invalid_csv_cells_and_missing_values_are_reported_per_municipality_and_nothing_is_created()
    {
        var csv = "ags,behoerde,aufbewahrungMonate\n01003000,Fundbüro Lübeck,neun\n";
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Rollouts.CreateAsync("u", null,
            new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], [ProvisioningWorld.Luebeck, ProvisioningWorld.Kiel], null, Common, csv)));
        Assert.That(e!.Errors.Select(x => x.Field), Is.SupersetOf(new[]
        {
            "overridesCsv/01003000/aufbewahrungMonate", $"municipalities/{ProvisioningWorld.Kiel}/configuration/behoerde",
        }));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM rollouts"), Is.Zero);
    }

    [Test]
    public async Task Failures_are_listed_with_their_reasons_and_retried()
    {
        _world.Broker.State.AddFault(new FaultRule { Operation = "provision", Kind = "400", Ags = ProvisioningWorld.Luebeck, CreateFirst = false });
        var result = await _world.Rollouts.CreateAsync("u", null, new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [],
            [ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck], null, new JsonObject { ["behoerde"] = "Fundbüro", ["kontaktEmail"] = "f@sh.example" }, null));
        await _world.DrainAsync();

        var progress = await _world.Rollouts.ProgressAsync(result.RolloutId);
        Assert.That((progress.Count(SubscriptionStates.Active), progress.Count(SubscriptionStates.Failed)), Is.EqualTo((1, 1)));
        Assert.That(progress.Failures.Single().Ags, Is.EqualTo(ProvisioningWorld.Luebeck));
        Assert.That(progress.Failures.Single().Reason, Does.Contain("400"));

        Assert.That(await _world.Rollouts.RetryFailedAsync(result.RolloutId, "u", null), Is.EqualTo(1));
        await _world.DrainAsync();
        Assert.That((await _world.Rollouts.ProgressAsync(result.RolloutId)).Count(SubscriptionStates.Active), Is.EqualTo(2));
    }

    [Test]
    public async Task The_vendors_concurrency_limit_holds_over_a_whole_rollout()
    {
        _world.Broker.Options.LatencyMs = 150;
        await _world.Brokers.ConfigureAsync("amtsfuchs-software", BrokerAuth.Anonymous, 3, "vendor-admin");
        var agsList = new List<string>();
        await using (var c = await _world.Database.OpenAsync())
            agsList = (await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT ags FROM municipalities ORDER BY ags")).Take(24).ToList();
        var result = await _world.Rollouts.CreateAsync("u", null, new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], agsList, null,
            new JsonObject { ["behoerde"] = "Fundbüro", ["kontaktEmail"] = "f@land.example" }, null));
        await _world.DrainAsync(TimeSpan.FromSeconds(60));

        Assert.That((await _world.Rollouts.ProgressAsync(result.RolloutId)).Count(SubscriptionStates.Active), Is.EqualTo(24));
        Assert.That(_world.Broker.State.Stats().PeakOpenOperations, Is.InRange(1, 3));
    }

    [Test]
    public async Task Broker_credentials_are_stored_encrypted_and_sent_as_basic_auth()
    {
        await using var world = await ProvisioningWorld.CreateAsync(engine, b => { b.BasicUsername = "marktplatz"; b.BasicPassword = "s3cret-basic-pass"; });
        await world.Brokers.ConfigureAsync("amtsfuchs-software", new BrokerAuth(BrokerAuth.Basic, "marktplatz", "s3cret-basic-pass"), 4, "vendor-admin");
        var stored = await world.ScalarAsync<string>("SELECT secret_protected FROM vendor_brokers WHERE vendor_id = 'amtsfuchs-software'");
        Assert.That(stored, Does.Not.Contain("s3cret-basic-pass"));
        Assert.That((await world.Brokers.SettingsAsync("amtsfuchs-software"))!.SecretSet, Is.True);

        var id = await world.OrderFundbueroAsync();
        await world.DrainAsync();
        Assert.That(await world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
    }

    [Test]
    public async Task OAuth_client_credentials_fetch_a_token_for_the_broker()
    {
        await using var world = await ProvisioningWorld.CreateAsync(engine, b => { b.OAuthClientId = "marktplatz"; b.OAuthClientSecret = "client-secret-1"; });
        var id = await world.OrderFundbueroAsync();
        await world.DrainAsync();
        Assert.That(await world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed), "without credentials the broker refuses (401)");

        await world.Brokers.ConfigureAsync("amtsfuchs-software",
            new BrokerAuth(BrokerAuth.OAuthClientCredentials, "marktplatz", "client-secret-1", "/oauth/token"), 4, "vendor-admin");
        await world.Subscriptions.RetryAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await world.DrainAsync();
        Assert.That(await world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
    }
}
