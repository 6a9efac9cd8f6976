using System.Net;
using System.Net.Http.Json;
using Marketplace.Audit;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// A municipality's data policy: its members read it, its buyer-admin sets it, nobody else sees it; bundlers recommend one;
/// the catalogue marks offerings that miss it, and ordering one needs a buyer-admin's exception, recorded in the audit trail.
/// Its own host: a policy on München would change what the shared host's other tests may order.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class DataPolicyTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private const string Policy = $"/api/v1/municipalities/{Muenchen}/data-policy";

    [OneTimeSetUp]
    public async Task Start() => _host = await IdentityHost.StartAsync(engine);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> SetAsync(string who, object rules) => _host.SignedInAsync(who).ContinueWith(t => t.Result.PutAsJsonAsync(Policy, rules)).Unwrap();

    [Test]
    public async Task The_policy_is_read_by_the_municipalitys_members_and_written_only_by_its_buyer_admin()
    {
        var set = await SetAsync(DenialMatrix.MuenchenAdmin, new { onlyGermany = true, noThirdCountryAccess = true });
        var body = await JsonAsync(set, HttpStatusCode.OK);
        Assert.That(body.GetProperty("rules").GetProperty("onlyGermany").GetBoolean(), Is.True);
        Assert.That(body.GetProperty("rules").GetProperty("publicOperatorsOnly").GetBoolean(), Is.False, "an omitted rule is off");

        var viewer = await _host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var read = await JsonAsync(await viewer.GetAsync(Policy), HttpStatusCode.OK);
        Assert.That(read.GetProperty("rules").GetProperty("noThirdCountryAccess").GetBoolean(), Is.True);
        Assert.That((await viewer.PutAsJsonAsync(Policy, new { onlyGermany = false })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SetAsync(DenialMatrix.BundlerAdmin, new { onlyGermany = false })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "a delegate may order, but the policy is the municipality's own decision");

        var koeln = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.GetAsync(Policy)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await koeln.PutAsJsonAsync(Policy, new { onlyGermany = false })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var vendor = await _host.SignedInAsync(DenialMatrix.KomunaAdmin);
        Assert.That((await vendor.GetAsync(Policy)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "vendors do not see municipalities' policies");

        var audit = await _host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: "data-policy.set", ObjectId: Muenchen));
        Assert.That(audit, Is.Not.Empty);
        Assert.That(audit[0].AfterJson, Does.Contain("\"onlyGermany\":true"));
    }

    [Test]
    public async Task A_bundlers_recommendation_reaches_the_municipalities_that_delegate_to_it()
    {
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        const string url = $"/api/v1/bundlers/{DemoSeeder.Bundler}/data-policy-recommendation";
        await JsonAsync(await bundler.PutAsJsonAsync(url, new { onlyOwnLand = true, publicOperatorsOnly = true }), HttpStatusCode.OK);
        Assert.That((await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin)).PutAsJsonAsync(url, new { onlyGermany = true })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));

        var read = await JsonAsync(await (await _host.SignedInAsync(DenialMatrix.MuenchenViewer)).GetAsync(Policy), HttpStatusCode.OK);
        var recommendation = read.GetProperty("recommendations")[0];
        Assert.That(recommendation.GetProperty("organisationId").GetString(), Is.EqualTo(DemoSeeder.Bundler));
        Assert.That(recommendation.GetProperty("rules").GetProperty("onlyOwnLand").GetBoolean(), Is.True);
        Assert.That(read.GetProperty("rules").GetProperty("onlyOwnLand").GetBoolean(), Is.False, "a recommendation binds only once applied");
    }

    [Test]
    public async Task Search_and_offering_pages_mark_an_offering_that_misses_the_policy_and_say_why()
    {
        await JsonAsync(await SetAsync(DenialMatrix.MuenchenAdmin, new { noThirdCountryAccess = true }), HttpStatusCode.OK);
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);

        var misfit = await buyer.GetStringAsync("/angebote/abfall-app-deichgraf");
        Assert.That(misfit, Does.Contain("id=\"policy-fit\"").And.Contain("Passt nicht zur Datenrichtlinie").And.Contain("Drittl"));
        Assert.That(misfit, Does.Contain("Wo liegen die Daten?").And.Contain("Google Ireland Ltd. (Firebase Cloud Messaging)"));
        var fits = await buyer.GetStringAsync("/angebote/fundbuero-amtsfuchs");
        Assert.That(fits, Does.Contain("Passt zur Datenrichtlinie"));

        var search = await buyer.GetStringAsync("/angebote?thirdCountryAccess=possible");
        Assert.That(search, Does.Contain("policy-misfit"));
        var anonymous = await _host.Browser().GetStringAsync("/angebote/abfall-app-deichgraf");
        Assert.That(anonymous, Does.Contain("Wo liegen die Daten?").And.Not.Contain("id=\"policy-fit\""));
    }

    [Test]
    public async Task Ordering_an_offering_that_misses_the_policy_needs_a_buyer_admins_exception_which_is_audited()
    {
        await JsonAsync(await SetAsync(DenialMatrix.MuenchenAdmin, new { publicOperatorsOnly = true }), HttpStatusCode.OK);
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);

        var refused = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("fundbuero-amtsfuchs", "standard")), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("dataPolicyException/reason", out _), Is.True, refused.ToString());

        var withException = new
        {
            offeringId = "fundbuero-amtsfuchs", planId = "standard", addOnIds = Array.Empty<string>(), configuration = Config("Fundbüro"),
            dataPolicyException = new { reason = "Kein öffentlicher Anbieter bietet ein Fundbüro an; Vertrag nach Art. 28 DSGVO geprüft." },
        };
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        Assert.That((await PlaceAsync(bundler, Muenchen, Key(), withException)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "only the municipality's buyer-admin makes an exception");

        var order = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), withException), HttpStatusCode.Created);
        var audit = await _host.Services.GetRequiredService<AuditTrail>()
            .QueryAsync(new AuditQuery(Action: "order.data-policy-exception", ObjectId: order.GetProperty("id").GetString()));
        Assert.That(audit, Has.Count.EqualTo(1));
        var entry = System.Text.Json.Nodes.JsonNode.Parse(audit[0].AfterJson!)!;
        Assert.That(entry["reason"]!.GetValue<string>(), Does.StartWith("Kein öffentlicher Anbieter"));
        Assert.That(entry["violations"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("operator-not-public"));
    }
}
