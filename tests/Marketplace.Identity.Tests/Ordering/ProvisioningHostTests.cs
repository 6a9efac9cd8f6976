using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Marketplace.DevelopmentHosting;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Marketplace.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// A host of its own with the sample broker embedded (SampleBroker:EmbeddedUrl on a free loopback port) and the
/// catalogue's broker offerings pointed at it: orders provision for real, a broker that keeps failing fills the dead
/// letter, rollouts report progress.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ProvisioningHostTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private SampleBrokerServer _broker = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?>
        {
            [EmbeddedSampleBroker.UrlSetting] = url,
            ["SampleBroker:LatencyMs"] = "50",
            ["SampleBroker:RetryAfterSeconds"] = "0",
            ["Provisioning:PollInterval"] = "00:00:00.050",
            ["Provisioning:DefaultPollInterval"] = "00:00:00.050",
            ["Provisioning:BaseBackoff"] = "00:00:00.020",
            ["Provisioning:MaxBackoff"] = "00:00:00.100",
            ["Provisioning:MaxFailures"] = "2",
            ["Provisioning:BrokerRequestTimeout"] = "00:00:05",
            ["SampleBroker:InstancesRetrievable"] = "true",
            // The test runs the day's reconciliation itself.
            ["Provisioning:ReconciliationEnabled"] = "false",
        });
        _broker = _host.Services.GetRequiredService<EmbeddedSampleBroker>().Server!;
        Assert.That(_broker.BaseAddress.ToString(), Is.EqualTo(url + "/"));
        await PointBrokerOfferingsAtAsync(_host.Services.GetRequiredService<Database>(), _broker.BaseAddress);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task An_order_placed_through_the_API_becomes_an_active_subscription_at_the_embedded_broker()
    {
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var placed = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("fundbuero-amtsfuchs", "standard", "Fundbüro München")), HttpStatusCode.Created);
        var id = placed.GetProperty("subscriptionIds")[0].GetString();

        var subscription = await UntilAsync(buyer, $"/api/v1/municipalities/{Muenchen}/subscriptions/{id}", s => s.GetProperty("state").GetString() == "active");
        Assert.That(subscription.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("toState").GetString()),
            Is.SupersetOf(new[] { "requested", "provisioning", "active" }));
        Assert.That(_broker.State.Instances.Values.Count(i => i.Ags == Muenchen && Parameter(i, "behoerde") == "Fundbüro München"), Is.EqualTo(1),
            "one instance with the ordered configuration");
    }

    [Test]
    public async Task An_order_and_its_subscription_answer_and_show_their_times_in_the_stored_form()
    {
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var placed = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("namenserklaerung-urkundenwerk", "standard", "Standesamt München")),
            HttpStatusCode.Created);
        var id = placed.GetProperty("subscriptionIds")[0].GetString();
        var subscription = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/subscriptions/{id}");
        var requested = subscription.GetProperty("timeline")[0].GetProperty("occurredAt").GetString();

        Assert.That(new[] { placed.GetProperty("orderedAt").GetString(), subscription.GetProperty("createdAt").GetString(), requested },
            Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
        Assert.That(subscription.GetProperty("createdAt").GetString(), Is.EqualTo(requested), "created with its first timeline entry");
        Assert.That(await buyer.GetStringAsync($"/gemeinden/{Muenchen}/abonnements/{id}"), Does.Contain($"<time datetime=\"{requested}\">"));
    }

    [Test]
    public async Task A_dead_job_is_retried_by_a_platform_admin_only_and_then_provisions()
    {
        _broker.State.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = -1, Ags = Koeln, CreateFirst = false });
        var koeln = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var placed = await JsonAsync(await PlaceAsync(koeln, Koeln, Key(), Order("halteverbotszone-deichgraf", "standard", "Ordnungsamt Köln")), HttpStatusCode.Created);
        var id = placed.GetProperty("subscriptionIds")[0].GetString();
        var failed = await UntilAsync(koeln, $"/api/v1/municipalities/{Koeln}/subscriptions/{id}", s => s.GetProperty("state").GetString() == "failed");
        // The buyer reads the failure's class in words; the broker's raw answer is for the vendor and the platform.
        Assert.That(failed.GetProperty("failureReason").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(failed.GetProperty("failureClass").GetString(), Is.EqualTo("vendor-error"));
        Assert.That(failed.GetProperty("failureMessage").GetString(), Does.StartWith("Beim Anbieter ist wiederholt ein Fehler aufgetreten"));
        var english = await JsonAsync(await koeln.GetAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{id}?culture=en-GB"), HttpStatusCode.OK);
        Assert.That(english.GetProperty("failureMessage").GetString(), Does.StartWith("An error occurred at the vendor"));
        var page = await koeln.GetStringAsync($"/gemeinden/{Koeln}/abonnements/{id}");
        Assert.That(page, Does.Contain("Beim Anbieter ist wiederholt ein Fehler aufgetreten").And.Not.Contain("broker error"));

        var admin = await _host.SignedInAsync(DenialMatrix.PlatformAdmin);
        var dead = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs/dead");
        var deadJob = dead.EnumerateArray().Single(j => j.GetProperty("subscriptionId").GetString() == id);
        Assert.That(deadJob.GetProperty("lastError").GetString(), Does.Contain("broker error"), "the platform reads the broker's answer");
        var jobId = deadJob.GetProperty("id").GetString();

        foreach (var refused in new[] { DenialMatrix.Auditor, DenialMatrix.KoelnAdmin })
            Assert.That((await (await _host.SignedInAsync(refused)).PostAsync($"/api/v1/admin/jobs/{jobId}/retries", null)).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), refused);
        _broker.State.ClearFaults();
        Assert.That((await admin.PostAsync($"/api/v1/admin/jobs/{jobId}/retries", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await admin.PostAsync($"/api/v1/admin/jobs/{jobId}/retries", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "no longer dead");
        await UntilAsync(koeln, $"/api/v1/municipalities/{Koeln}/subscriptions/{id}", s => s.GetProperty("state").GetString() == "active");
    }

    [Test]
    public async Task Buyers_read_findings_and_action_answers_in_their_language_while_vendor_and_platform_read_the_brokers_answer()
    {
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var id = (await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("briefwahl-havelsoft", "gemeinde", "Wahlamt München")), HttpStatusCode.Created))
            .GetProperty("subscriptionIds")[0].GetString();
        var other = (await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("halteverbotszone-deichgraf", "standard", "KVR München")), HttpStatusCode.Created))
            .GetProperty("subscriptionIds")[0].GetString();
        foreach (var s in new[] { id, other })
            await UntilAsync(buyer, $"/api/v1/municipalities/{Muenchen}/subscriptions/{s}", v => v.GetProperty("state").GetString() == "active");
        // The vendor's broker changes the plan out of band; the day's reconciliation finds it.
        var instance = _broker.State.Instances.Values.Single(i => i.Ags == Muenchen && Parameter(i, "behoerde") == "Wahlamt München");
        instance.PlanId = "another-plan";
        Assert.That(await _host.Services.GetRequiredService<Marketplace.Provisioning.Reconciliation.ReconciliationJob>().RunIfDueAsync(), Is.Not.Null);

        var german = await JsonAsync(await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{id}/findings"), HttpStatusCode.OK);
        var finding = german.EnumerateArray().Single();
        Assert.That(finding.GetProperty("message").GetString(), Does.StartWith("Beim Anbieter ist ein anderer Tarif eingerichtet"));
        Assert.That(finding.ToString(), Does.Not.Contain("another-plan"), "the broker's answer is not the buyer's");
        var english = await JsonAsync(await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{id}/findings?culture=en-GB"), HttpStatusCode.OK);
        Assert.That(english[0].GetProperty("message").GetString(), Does.StartWith("The vendor has set up a different plan"));
        var page = await buyer.GetStringAsync($"/gemeinden/{Muenchen}/abonnements/{id}");
        Assert.That(page, Does.Contain("Beim Anbieter ist ein anderer Tarif eingerichtet").And.Not.Contain("another-plan"));

        var vendor = await _host.SignedInAsync(DenialMatrix.HavelsoftAdmin);
        var own = await JsonAsync(await vendor.GetAsync("/api/v1/vendors/havelsoft/reconciliation-findings"), HttpStatusCode.OK);
        Assert.That(own.EnumerateArray().Single(f => f.GetProperty("subscriptionId").GetString() == id).GetProperty("brokerValue").GetString(), Is.EqualTo("another-plan"));
        Assert.That(await vendor.GetStringAsync("/anbieterportal/abgleich"), Does.Contain("another-plan").And.Contain("Anderer Tarif"));
        Assert.That((await (await _host.SignedInAsync(DenialMatrix.KomunaAdmin)).GetAsync("/api/v1/vendors/havelsoft/reconciliation-findings")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        var admin = await _host.SignedInAsync(DenialMatrix.Auditor);
        Assert.That(await admin.GetStringAsync("/betrieb/abgleich"), Does.Contain("another-plan"));

        // Cancelling while the broker refuses to delete: the action's own answer says, in the request's language, what is under way.
        _broker.State.AddFault(new FaultRule { Operation = "deprovision", Kind = "500", Times = -1, Ags = Muenchen });
        var cancelled = await JsonAsync(await buyer.DeleteAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{id}"), HttpStatusCode.OK);
        Assert.That(cancelled.GetProperty("conditionMessage").GetString(), Is.EqualTo("wird beim Anbieter entfernt"));
        var cancelledEn = await JsonAsync(await buyer.DeleteAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{other}?culture=en-GB"), HttpStatusCode.OK);
        Assert.That(cancelledEn.GetProperty("conditionMessage").GetString(), Is.EqualTo("being removed at the vendor"));
        Assert.That(cancelledEn.GetProperty("failureReason").ValueKind, Is.EqualTo(JsonValueKind.Null));
        _broker.State.ClearFaults();
        foreach (var s in new[] { id, other })
            await UntilAsync(buyer, $"/api/v1/municipalities/{Muenchen}/subscriptions/{s}", v => v.GetProperty("state").GetString() == "cancelled");
    }

    [Test]
    public async Task A_bundler_rolls_an_offering_out_to_its_delegating_municipalities_of_a_Land_and_follows_the_progress()
    {
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        var notDelegated = await JsonAsync(await bundler.PostAsJsonAsync("/api/v1/rollouts",
            new { offeringId = "stadtmelder-deichgraf", planId = "app", municipalityAgs = new[] { Koeln } }), HttpStatusCode.BadRequest);
        Assert.That(notDelegated.GetProperty("errors").TryGetProperty($"municipalityAgs/{Koeln}", out _), Is.True, notDelegated.ToString());

        var started = await JsonAsync(await bundler.PostAsJsonAsync("/api/v1/rollouts", new
        {
            offeringId = "stadtmelder-deichgraf", planId = "app", landCode = "09",
            commonConfiguration = new { kontaktEmail = "buergerservice@kommunale-it.example" },
            overridesCsv = "ags;behoerde\n09162000;Baureferat München\n",
        }), HttpStatusCode.Created);
        Assert.That(started.GetProperty("created").GetInt32(), Is.EqualTo(1), "München is the one delegating municipality in Bayern");
        var rolloutId = started.GetProperty("rolloutId").GetString();

        var progress = await UntilAsync(bundler, $"/api/v1/rollouts/{rolloutId}", p => p.GetProperty("finished").GetBoolean());
        Assert.That(progress.GetProperty("total").GetInt32(), Is.EqualTo(1));
        Assert.That(progress.GetProperty("countsByState").GetProperty("active").GetInt32(), Is.EqualTo(1));
        Assert.That(progress.GetProperty("estimatedRemainingSeconds").GetDouble(), Is.EqualTo(0));
        var instance = _broker.State.Instances.Values.Single(i => i.Ags == Muenchen && Parameter(i, "kontaktEmail") == "buergerservice@kommunale-it.example");
        Assert.That(Parameter(instance, "behoerde"), Is.EqualTo("Baureferat München"), "the CSV row's value");

        var list = await bundler.GetFromJsonAsync<JsonElement>("/api/v1/rollouts");
        Assert.That(list.EnumerateArray().Select(r => r.GetProperty("id").GetString()), Does.Contain(rolloutId));
        Assert.That((await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin)).GetAsync($"/api/v1/rollouts/{rolloutId}")).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task After_a_municipality_revokes_its_delegation_the_bundler_no_longer_reads_nor_retries_its_rollout_item()
    {
        var koeln = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        var granted = await JsonAsync(await koeln.PostAsJsonAsync($"/api/v1/municipalities/{Koeln}/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = false, viewInvoices = false }), HttpStatusCode.Created);
        var started = await JsonAsync(await bundler.PostAsJsonAsync("/api/v1/rollouts", new
        {
            offeringId = "stadtmelder-deichgraf", planId = "app", municipalityAgs = new[] { Koeln },
            commonConfiguration = new { behoerde = "Bürgeramt Köln", kontaktEmail = "buergerservice@koeln.example" },
        }), HttpStatusCode.Created);
        var rolloutId = started.GetProperty("rolloutId").GetString();
        await UntilAsync(bundler, $"/api/v1/rollouts/{rolloutId}", p => p.GetProperty("finished").GetBoolean());
        // The broker's refusal as the municipality's failure detail, which is the municipality's business.
        await using (var c = await _host.Services.GetRequiredService<Database>().OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE subscriptions SET state = 'failed' WHERE municipality_ags = @ags AND offering_id = 'stadtmelder-deichgraf'", new { ags = Koeln });
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE subscription_provisioning SET failure_reason = 'Köln intern: Zustellpunkt gesperrt' WHERE rollout_id = @rolloutId", new { rolloutId });
        }
        var before = await bundler.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{rolloutId}");
        Assert.That(before.GetProperty("failures")[0].GetProperty("reason").GetString(), Does.Contain("Köln intern"), "visible while delegated");

        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/{Koeln}/delegations/{granted.GetProperty("id").GetString()}")).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        var after = await bundler.GetStringAsync($"/api/v1/rollouts/{rolloutId}");
        Assert.That(after, Does.Not.Contain("Köln intern").And.Not.Contain(Koeln));
        Assert.That(JsonDocument.Parse(after).RootElement.GetProperty("total").GetInt32(), Is.Zero);
        Assert.That(await bundler.GetStringAsync($"/rollouts/{rolloutId}"), Does.Not.Contain("Köln intern"), "nor on the progress page");
        var retried = await JsonAsync(await bundler.PostAsync($"/api/v1/rollouts/{rolloutId}/retries", null), HttpStatusCode.OK);
        Assert.That(retried.GetProperty("retried").GetInt32(), Is.Zero);
        var subscriptions = await koeln.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Koeln}/subscriptions");
        Assert.That(subscriptions.EnumerateArray().Single(s => s.GetProperty("offeringId").GetString() == "stadtmelder-deichgraf").GetProperty("state").GetString(),
            Is.EqualTo("failed"), "the bundler's retry did not re-provision Köln");
        foreach (var other in new[] { DenialMatrix.MuenchenViewer, DenialMatrix.KoelnAdmin })
            Assert.That((await (await _host.SignedInAsync(other)).GetAsync($"/api/v1/rollouts/{rolloutId}")).StatusCode,
                Is.AnyOf(HttpStatusCode.Forbidden, HttpStatusCode.NotFound), other);
    }

    private static string? Parameter(SampleInstance instance, string name) =>
        JsonDocument.Parse(instance.ParametersJson).RootElement.TryGetProperty(name, out var v) ? v.GetString() : null;
}
