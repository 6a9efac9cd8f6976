using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Audit;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Marketplace.Notifications.Notifier;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Land defaults are set only by the bundling organisation the Land designates (or the Land's own organisation), never by
/// any bundler whose Land code matches; a change is audited and reaches the municipalities it flows into, which see it
/// with its source on their subscription and override it with their own value. On a web instance of its own, so the
/// tests drive the notifier and no other test's Land defaults interfere.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class LandDesignationTests(DatabaseEngine engine)
{
    private const string Offering = "baumfaellantrag-paragraf";
    private const string Field = "mindestStammumfangCm";
    private const string OtherBayern = "andere-bayern@it.example";
    private const string Nrw = "admin@nrw-it.example";
    private IdentityHost _host = null!;
    private string _subscription = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { [InstanceRoles.Key] = "web" });
        var services = _host.Services;
        var organisations = services.GetRequiredService<OrganisationStore>();
        var users = services.GetRequiredService<UserAdministration>();
        // A second IT provider in Bayern that the Land has not designated, and one in Nordrhein-Westfalen (no designation yet).
        await organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Bundler, "Andere IT Bayern", LandCode: "09", BundlerType: "it-dienstleister",
            Id: "bundler-andere-bayern"), Actor.System);
        await organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Bundler, "IT NRW", LandCode: "05", BundlerType: "it-dienstleister",
            Id: "bundler-nrw"), Actor.System);
        await users.CreateUserAsync("bundler-andere-bayern", OtherBayern, "Eva Andere", Roles.BundlerAdmin, DemoSeeder.Password, null, Actor.System);
        await users.CreateUserAsync("bundler-nrw", Nrw, "Nils Rhein", Roles.BundlerAdmin, DemoSeeder.Password, null, Actor.System);

        var placed = await services.GetRequiredService<OrderService>().PlaceAsync(Muenchen, "user-muenchen", Key(), new OrderRequest(Offering, "vorlage", [],
            new JsonObject { ["behoerde"] = "Baumschutz München", ["kontaktEmail"] = "baum@muenchen.example" }));
        _subscription = placed.Order.SubscriptionIds.Single();
        await services.GetRequiredService<AuditNotifier>().RunOnceAsync();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Url(string land) => $"/api/v1/offerings/{Offering}/land-defaults/{land}/bundler";

    private async Task<JsonNode> ConfigurationAsync() =>
        JsonNode.Parse(await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin))
            .GetStringAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{_subscription}/configuration"))!;

    private async Task<string> LandDefaultsAsync(string land) =>
        await (await _host.SignedInAsync(DenialMatrix.PlatformAdmin)).GetStringAsync($"/api/v1/offerings/{Offering}/land-defaults/{land}");

    [Test]
    public async Task A_bundler_of_the_Land_that_the_Land_has_not_designated_is_refused_and_nothing_changes()
    {
        var before = await LandDefaultsAsync("09");
        var configBefore = (await ConfigurationAsync()).ToJsonString();
        var response = await (await _host.SignedInAsync(OtherBayern)).PutAsJsonAsync(Url("09"), new Dictionary<string, object> { [Field] = 200 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
        Assert.That(await LandDefaultsAsync("09"), Is.EqualTo(before));
        Assert.That((await ConfigurationAsync()).ToJsonString(), Is.EqualTo(configBefore), "München's configuration is untouched");
    }

    [Test]
    public async Task The_designated_bundler_sets_the_default_and_the_municipality_hears_of_it_and_sees_it_with_its_source()
    {
        var response = await (await _host.SignedInAsync(DenialMatrix.BundlerAdmin)).PutAsJsonAsync(Url("09"), new Dictionary<string, object> { [Field] = 120 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
        var audit = await _host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: "land-default.set"));
        Assert.That(audit.Select(a => a.ObjectId), Does.Contain($"{Offering}/09/bundler"));

        await _host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();
        var notifications = await Notifications.NotificationTests.NotificationsOfAsync(_host, DenialMatrix.MuenchenAdmin);
        Assert.That(Notifications.NotificationTests.About(notifications, "land-default.changed", _subscription).Count(), Is.EqualTo(1));
        var koeln = await Notifications.NotificationTests.NotificationsOfAsync(_host, DenialMatrix.KoelnAdmin);
        Assert.That(Notifications.NotificationTests.About(koeln, "land-default.changed"), Is.Empty, "another Land hears nothing");

        var config = await ConfigurationAsync();
        Assert.That(config["values"]![Field]!.GetValue<int>(), Is.EqualTo(120));
        Assert.That(config["sources"]!["/" + Field]!["kind"]!.GetValue<string>(), Is.EqualTo(ConfigSource.BundlerLandDefault));
        Assert.That(config["sources"]!["/" + Field]!["organisationId"]!.GetValue<string>(), Is.EqualTo(DemoSeeder.Bundler));

        // The subscription page names the bundler whose default it is, not its id.
        var page = await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin)).GetStringAsync($"/gemeinden/{Muenchen}/abonnements/{_subscription}");
        Assert.That(page, Does.Contain("(Kommunale IT Bayern (Demo))"));
        Assert.That(page, Does.Not.Contain($"({DemoSeeder.Bundler})"));
    }

    [Test]
    public async Task A_municipalitys_own_value_overrides_the_Land_default_for_its_subscription()
    {
        // Another Bayern municipality orders with a value of its own: it wins over the designated bundler's 120.
        var placed = await _host.Services.GetRequiredService<OrderService>().PlaceAsync("09564000", "user-nuernberg", Key(), new OrderRequest(Offering,
            "vorlage", [], new JsonObject { ["behoerde"] = "Baumschutz Nürnberg", ["kontaktEmail"] = "baum@nuernberg.example", [Field] = 60 }));
        var view = await _host.Services.GetRequiredService<TenantConfiguration>().ViewAsync("09564000", placed.Order.SubscriptionIds.Single());
        Assert.That(view.Values[Field]!.GetValue<int>(), Is.EqualTo(60));
        Assert.That(view.Provenance["/" + Field], Is.EqualTo(ConfigSource.Own));
    }

    [Test]
    public async Task Only_a_platform_admin_designates_and_the_designated_bundler_may_then_set_the_Lands_defaults()
    {
        var nrw = await _host.SignedInAsync(Nrw);
        Assert.That((await nrw.PutAsJsonAsync(Url("05"), new Dictionary<string, object> { [Field] = 90 })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "not yet designated");
        Assert.That((await nrw.PutAsJsonAsync("/api/v1/lands/05/designation", new { organisationId = "bundler-nrw" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "a bundler does not designate itself");

        var platform = await _host.SignedInAsync(DenialMatrix.PlatformAdmin);
        var wrongLand = await platform.PutAsJsonAsync("/api/v1/lands/05/designation", new { organisationId = DemoSeeder.Bundler });
        Assert.That(wrongLand.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(JsonNode.Parse(await wrongLand.Content.ReadAsStringAsync())!["errors"]!["organisationId"], Is.Not.Null, "a bundler of another Land");
        Assert.That((await platform.PutAsJsonAsync("/api/v1/lands/05/designation", new { organisationId = "bundler-nrw" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        var designation = JsonNode.Parse(await nrw.GetStringAsync("/api/v1/lands/05/designation"))!;
        Assert.That(designation["organisationId"]!.GetValue<string>(), Is.EqualTo("bundler-nrw"));
        var audit = await _host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: "land-designation.set", ObjectId: "05"));
        Assert.That(audit, Has.Count.EqualTo(1));

        var set = await nrw.PutAsJsonAsync(Url("05"), new Dictionary<string, object> { [Field] = 90 });
        Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await set.Content.ReadAsStringAsync());
    }
}
