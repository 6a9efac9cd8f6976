using Marketplace.Kernel;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>Orders: idempotency, validation at the field, four-eyes approval, tenant isolation, bundles, manual fulfilment.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OrderTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [OneTimeTearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private const string Bibliothek = "stadtbibliothek-online-komuna";

    private static OrderRequest Fundbuero(string behoerde = "Fundbüro Lübeck") =>
        new(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig(behoerde));

    [Test]
    public async Task Ordering_with_the_same_idempotency_key_and_body_returns_the_first_order()
    {
        var first = await _world.Orders.PlaceAsync(ProvisioningWorld.Luebeck, ProvisioningWorld.Buyer, "idem-1", Fundbuero());
        var again = await _world.Orders.PlaceAsync(ProvisioningWorld.Luebeck, ProvisioningWorld.Buyer, "idem-1", Fundbuero());

        Assert.That(first.Created, Is.True);
        Assert.That(again.Created, Is.False);
        Assert.That(again.Order, Is.EqualTo(first.Order).Using<OrderView>((a, b) => a.Id == b.Id && a.SubscriptionIds.SequenceEqual(b.SubscriptionIds)));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE municipality_ags = @a", new { a = ProvisioningWorld.Luebeck }), Is.EqualTo(1));
    }

    [Test]
    public async Task Ordering_with_the_same_key_and_another_body_is_refused()
    {
        await _world.Orders.PlaceAsync(ProvisioningWorld.Muenchen, ProvisioningWorld.Buyer, "idem-2", Fundbuero("Fundbüro München"));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            _world.Orders.PlaceAsync(ProvisioningWorld.Muenchen, ProvisioningWorld.Buyer, "idem-2", Fundbuero("Fundbüro Muenchen")));
    }

    [Test]
    public async Task Concurrent_orders_with_one_key_create_one_order()
    {
        var orders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            _world.Orders.PlaceAsync("03101000", ProvisioningWorld.Buyer, "idem-race", Fundbuero("Fundbüro Braunschweig"))));
        Assert.That(orders.Select(o => o.Order.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(orders.Count(o => o.Created), Is.EqualTo(1));
    }

    [Test]
    public async Task Configuration_errors_point_at_the_field()
    {
        var config = ProvisioningWorld.MeldeportalConfig();
        config["kontaktEmail"] = "keine-adresse";
        ((JsonObject)config["fitConnect"]!)["umgebung"] = "mond";
        config.Remove("behoerde");
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, "bad",
            new OrderRequest(ProvisioningWorld.Meldeportal, "standard", ["nicht-da"], config)));
        Assert.That(e!.Errors.Select(x => x.Field), Is.SupersetOf(new[]
        {
            "configuration/kontaktEmail", "configuration/fitConnect/umgebung", "configuration/behoerde", "addOnIds",
        }));
        // Worded in German by the platform, not in the library's English.
        Assert.That(e.Errors.Single(x => x.Field == "configuration/kontaktEmail").Message, Is.EqualTo("keine gültige E-Mail-Adresse"));
        Assert.That(e.Errors.Single(x => x.Field == "configuration/fitConnect/umgebung").Message, Is.EqualTo("kein erlaubter Wert"));
    }

    [Test]
    public async Task Length_limits_are_worded_with_the_schema_s_limit()
    {
        var config = ProvisioningWorld.MeldeportalConfig();
        config["behoerde"] = "X";
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, "short",
            new OrderRequest(ProvisioningWorld.Meldeportal, "standard", [], config)));
        Assert.That(e!.Errors.Single(x => x.Field == "configuration/behoerde").Message, Does.Match("^mindestens [0-9]+ Zeichen$"));
    }

    [Test]
    public async Task Secrets_are_encrypted_at_rest_and_never_returned()
    {
        const string secret = "streng-geheim-0123456789-abcdefghij";
        var result = await _world.Orders.PlaceAsync("05315000", ProvisioningWorld.Buyer, "secret",
            new OrderRequest(ProvisioningWorld.Meldeportal, "standard", [], ProvisioningWorld.MeldeportalConfig(secret)));
        var id = result.Order.SubscriptionIds.Single();
        var stored = await _world.ScalarAsync<string>("SELECT config_json FROM subscription_provisioning WHERE subscription_id = @id", new { id });
        Assert.That(stored, Does.Not.Contain(secret).And.Contain(ConfigSecrets.Marker));

        var view = await _world.Configuration.ViewAsync("05315000", id);
        Assert.That(view.Values.ToJsonString(), Does.Not.Contain(secret).And.Not.Contain(ConfigSecrets.Marker));
        Assert.That(view.SecretsSet, Is.EqualTo(new[] { "/fitConnect/callbackGeheimnis" }));
        var field = view.Form.Fields.Single(f => f.Name == "fitConnect").Children.Single(f => f.Name == "fitConnect.callbackGeheimnis");
        Assert.That((field.Kind, field.Value, field.SecretIsSet), Is.EqualTo((FieldKind.Secret, (string?)null, true)));

        await _world.DrainAsync();
        var instance = await _world.InstanceIdAsync(id);
        Assert.That(JsonNode.Parse(_world.Broker.State.Instances[instance].ParametersJson)!["fitConnect"]!["callbackGeheimnis"]!.GetValue<string>(),
            Is.EqualTo(secret), "the broker gets the plain secret");

        // A change that leaves the secret out keeps it.
        var change = ProvisioningWorld.MeldeportalConfig();
        ((JsonObject)change["fitConnect"]!).Remove("callbackGeheimnis");
        change["behoerde"] = "Bürgerbüro";
        await _world.Subscriptions.ChangeAsync("05315000", ProvisioningWorld.Buyer, id, new ChangeRequest(null, null, change));
        await _world.DrainAsync();
        Assert.That(JsonNode.Parse(_world.Broker.State.Instances[instance].ParametersJson)!["fitConnect"]!["callbackGeheimnis"]!.GetValue<string>(), Is.EqualTo(secret));
    }

    [Test]
    public async Task Land_defaults_merge_under_the_municipalitys_values_with_provenance()
    {
        await _world.LandDefaults.SetAsync(ProvisioningWorld.Fundbuero, "06", LandDefaultSource.Vendor, "amtsfuchs-software",
            new JsonObject { ["kontaktEmail"] = "vendor@amtsfuchs.example", ["aufbewahrungMonate"] = 12 }, "vendor-user");
        // Hessen designates its IT provider ekom21; only a designated bundler (or the Land's own organisation) sets bundler defaults.
        await _world.Get<Marketplace.Identity.Organisations.OrganisationStore>().CreateAsync(new Marketplace.Identity.Organisations.NewOrganisation(
            "bundler", "ekom21", LandCode: "06", BundlerType: "it-dienstleister", Id: "ekom21"), Marketplace.Kernel.Actor.System);
        await _world.Get<LandDesignations>().SetAsync("06", "ekom21", "platform-user", null);
        await _world.LandDefaults.SetAsync(ProvisioningWorld.Fundbuero, "06", LandDefaultSource.Bundler, "ekom21",
            new JsonObject { ["kontaktEmail"] = "fundsachen@hessen.example" }, "bundler-user");
        var ags = "06412000";
        var result = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "defaults",
            new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], new JsonObject { ["behoerde"] = "Fundbüro Frankfurt" }));

        var view = await _world.Configuration.ViewAsync(ags, result.Order.SubscriptionIds.Single());
        Assert.That(view.Values["kontaktEmail"]!.GetValue<string>(), Is.EqualTo("fundsachen@hessen.example"));
        Assert.That(view.Values["aufbewahrungMonate"]!.GetValue<int>(), Is.EqualTo(12));
        Assert.That(view.Provenance["/behoerde"], Is.EqualTo(ConfigSource.Own));
        Assert.That(view.Provenance["/kontaktEmail"], Is.EqualTo(new ConfigSource(ConfigSource.BundlerLandDefault, "ekom21")));
        Assert.That(view.Provenance["/aufbewahrungMonate"], Is.EqualTo(new ConfigSource(ConfigSource.VendorLandDefault, "amtsfuchs-software")));
    }

    [Test]
    public async Task A_bundler_the_Land_has_not_designated_does_not_set_its_defaults() =>
        await Assert.ThrowsAsync<ForbiddenException>(() => _world.LandDefaults.SetAsync(ProvisioningWorld.Fundbuero, "06", LandDefaultSource.Bundler,
            "some-bundler-of-hessen", new JsonObject(), "someone"));

    [Test]
    public async Task Only_the_offerings_vendor_sets_vendor_defaults() =>
        await Assert.ThrowsAsync<ForbiddenException>(() => _world.LandDefaults.SetAsync(ProvisioningWorld.Fundbuero, "06", LandDefaultSource.Vendor,
            "komuna-digital", new JsonObject(), "someone"));

    [Test]
    public async Task Orders_above_the_threshold_wait_for_a_second_buyer_admin()
    {
        const string ags = "07313000";
        await _world.Orders.SetApprovalThresholdAsync(ags, ProvisioningWorld.Buyer, 0);
        var placed = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "4eyes", Fundbuero("Fundbüro Koblenz"));
        Assert.That(placed.Order.State, Is.EqualTo(OrderStates.AwaitingApproval));
        var id = placed.Order.SubscriptionIds.Single();
        Assert.That((await _world.Jobs.JobsOfSubscriptionAsync(id)), Is.Empty, "nothing provisioned before approval");

        await Assert.ThrowsAsync<ForbiddenException>(() => _world.Orders.ApproveAsync(ags, ProvisioningWorld.Buyer, placed.Order.Id));
        var approved = await _world.Orders.ApproveAsync(ags, ProvisioningWorld.SecondBuyer, placed.Order.Id);
        Assert.That(approved.State, Is.EqualTo(OrderStates.Placed));
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
    }

    [Test]
    public async Task A_rejected_order_cancels_its_subscriptions_and_the_offering_can_be_ordered_again()
    {
        const string ags = "07314000";
        await _world.Orders.SetApprovalThresholdAsync(ags, ProvisioningWorld.Buyer, 0);
        var placed = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "reject", Fundbuero("Fundbüro Trier"));
        await _world.Orders.RejectAsync(ags, ProvisioningWorld.SecondBuyer, placed.Order.Id, "zu teuer");
        Assert.That(await _world.StateAsync(placed.Order.SubscriptionIds.Single()), Is.EqualTo(SubscriptionStates.Cancelled));

        await _world.Orders.SetApprovalThresholdAsync(ags, ProvisioningWorld.Buyer, null);
        var again = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "reject-2", Fundbuero("Fundbüro Trier"));
        Assert.That(again.Order.SubscriptionIds, Is.EqualTo(placed.Order.SubscriptionIds), "the cancelled subscription starts over");
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(again.Order.SubscriptionIds.Single()), Is.EqualTo(SubscriptionStates.Active));
    }

    [Test]
    public async Task Another_municipalitys_subscription_and_order_are_not_found()
    {
        var placed = await _world.Orders.PlaceAsync("08111000", ProvisioningWorld.Buyer, "tenant", Fundbuero("Fundbüro Stuttgart"));
        var id = placed.Order.SubscriptionIds.Single();
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Configuration.ViewAsync(ProvisioningWorld.Kiel, id));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Orders.GetAsync(ProvisioningWorld.Kiel, placed.Order.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Subscriptions.GetForVendorAsync("komuna-digital", id));
        Assert.That((await _world.Subscriptions.GetForVendorAsync("amtsfuchs-software", id)).Id, Is.EqualTo(id));
    }

    [Test]
    public async Task A_second_order_of_a_subscribed_offering_is_refused_at_the_field()
    {
        await _world.Orders.PlaceAsync("09564000", ProvisioningWorld.Buyer, "twice-1", Fundbuero("Fundbüro Nürnberg"));
        var e = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _world.Orders.PlaceAsync("09564000", ProvisioningWorld.Buyer, "twice-2", Fundbuero("Fundbüro Nürnberg")));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("offeringId"));
    }

    [Test]
    public async Task Every_state_change_is_in_the_audit_trail()
    {
        var id = await _world.OrderFundbueroAsync("10041100", "audit", ProvisioningWorld.FundbueroConfig("Fundbüro Saarbrücken"));
        await _world.DrainAsync();
        var actions = (await _world.Get<Audit.AuditTrail>().QueryAsync(new Audit.AuditQuery(ObjectType: "subscription", ObjectId: id)))
            .Select(r => r.Action).Reverse().ToList();
        Assert.That(actions, Is.EqualTo(new[] { "subscription.requested", "subscription.provisioning", "subscription.activated" }));
        Assert.That((await _world.Get<Audit.AuditTrail>().VerifyAsync()).Intact, Is.True);
    }

    [Test]
    public async Task A_manual_offering_is_completed_by_the_vendor_with_a_dashboard_url_and_notes()
    {
        const string ags = "12054000";
        var placed = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "manual",
            new OrderRequest(ProvisioningWorld.Namenserklaerung, "standard", [], new JsonObject { ["behoerde"] = "Standesamt Potsdam", ["kontaktEmail"] = "sta@potsdam.example" }));
        var id = placed.Order.SubscriptionIds.Single();
        var tasks = await _world.Manual.TasksAsync("urkundenwerk");
        Assert.That(tasks.Select(t => t.SubscriptionId), Does.Contain(id));
        Assert.That(await _world.Manual.TasksAsync("komuna-digital"), Is.Empty);
        await Assert.ThrowsAsync<NotFoundException>(() => _world.Manual.CompleteAsync("komuna-digital", "v", id, null, null));

        await _world.Manual.CompleteAsync("urkundenwerk", "vendor-user", id, "https://urkundenwerk.example/potsdam", "Schulung am 3.12.");
        var view = await _world.Subscriptions.GetAsync(ags, id);
        Assert.That((view.State, view.DashboardUrl, view.Notes), Is.EqualTo((SubscriptionStates.Active, "https://urkundenwerk.example/potsdam", "Schulung am 3.12.")));
        Assert.That(await _world.Manual.TasksAsync("urkundenwerk"), Is.Empty);

        await _world.Subscriptions.CancelAsync(ags, ProvisioningWorld.Buyer, id);
        Assert.That((await _world.Manual.TasksAsync("urkundenwerk")).Single().State, Is.EqualTo(SubscriptionStates.Deprovisioning));
        await _world.Manual.CompleteAsync("urkundenwerk", "vendor-user", id, null, "abgebaut");
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
    }

    [Test]
    public async Task A_vendor_rejects_a_manual_order_with_a_reason()
    {
        const string ags = "13003000";
        var placed = await _world.Orders.PlaceAsync(ags, ProvisioningWorld.Buyer, "manual-no",
            new OrderRequest(ProvisioningWorld.Namenserklaerung, "standard", [], new JsonObject { ["behoerde"] = "Standesamt Rostock", ["kontaktEmail"] = "sta@rostock.example" }));
        var id = placed.Order.SubscriptionIds.Single();
        await Assert.ThrowsAsync<RequestValidationException>(() => _world.Manual.RejectAsync("urkundenwerk", "v", id, " "));
        await _world.Manual.RejectAsync("urkundenwerk", "vendor-user", id, "Fachverfahren nicht unterstützt");
        var view = await _world.Subscriptions.GetAsync(ags, id);
        Assert.That((view.State, view.FailureReason), Is.EqualTo((SubscriptionStates.Failed, "Fachverfahren nicht unterstützt")));
    }

    [Test]
    public async Task A_bundle_order_creates_every_subscription_in_one_order_with_shared_fields_entered_once()
    {
        const string ags = "14612000";
        var picks = new Dictionary<string, string> { ["10124"] = ProvisioningWorld.Meldeportal, ["10014"] = Bibliothek };
        var form = await _world.Bundles.FormAsync(ags, "umzug", picks);
        Assert.That(form.SharedFieldNames, Is.EqualTo(new[] { "behoerde", "kontaktEmail" }));
        Assert.That(form.SharedFields.Select(f => f.Name), Is.EqualTo(new[] { "behoerde", "kontaktEmail" }));
        Assert.That(form.PerOffering[Bibliothek].Fields.Select(f => f.Name), Is.EquivalentTo(new[] { "servicekonto", "ausleihfristTage" }));

        var melde = ProvisioningWorld.MeldeportalConfig();
        melde.Remove("behoerde");
        melde.Remove("kontaktEmail");
        var shared = new JsonObject { ["behoerde"] = "Stadt Dresden", ["kontaktEmail"] = "online@dresden.example" };
        var request = new BundleOrderRequest("umzug",
            [new("10124", ProvisioningWorld.Meldeportal, "standard", [], melde), new("10014", Bibliothek, "standard", [], null)], shared);
        var result = await _world.Bundles.PlaceAsync(ags, ProvisioningWorld.Buyer, "bundle", request);

        Assert.That(result.Order.Kind, Is.EqualTo("bundle"));
        Assert.That(result.Order.SubscriptionIds, Has.Count.EqualTo(2));
        foreach (var id in result.Order.SubscriptionIds)
            Assert.That((await _world.Configuration.ViewAsync(ags, id)).Values["behoerde"]!.GetValue<string>(), Is.EqualTo("Stadt Dresden"));
        Assert.That((await _world.Bundles.PlaceAsync(ags, ProvisioningWorld.Buyer, "bundle", request)).Created, Is.False);
        await _world.DrainAsync();
        foreach (var id in result.Order.SubscriptionIds) Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
    }

    [Test]
    public async Task A_bundle_selection_must_provide_its_Leistung()
    {
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Bundles.PlaceAsync("14713000", ProvisioningWorld.Buyer, "bundle-wrong",
            new BundleOrderRequest("umzug", [new("10014", ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig())], null)));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("selections/0/offeringId"));
    }

    [Test]
    public async Task A_bundle_order_with_an_invalid_shared_field_reports_it_once_at_the_shared_input()
    {
        const string bundle = "umzug";
        var melde = ProvisioningWorld.MeldeportalConfig();
        melde.Remove("kontaktEmail");
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Bundles.PlaceAsync("15002000", ProvisioningWorld.Buyer, "bundle-bad",
            new BundleOrderRequest(bundle, [new("10124", ProvisioningWorld.Meldeportal, "standard", [], melde)], new JsonObject { ["kontaktEmail"] = "kaputt" })));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("sharedConfiguration/kontaktEmail"));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE municipality_ags = '15002000'"), Is.Zero);
    }
}
