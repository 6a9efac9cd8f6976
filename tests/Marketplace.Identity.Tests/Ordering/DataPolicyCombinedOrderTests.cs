using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Audit;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Offerings ordered together (the Merkliste, a bundle) and rollouts meet the municipality's data policy as a single order
/// does: each offering that misses it needs its own buyer-admin's reason, and a bundler's rollout never orders it but
/// reports the municipality as left out, with the rules the offering misses. Its own host: München gets a policy.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class DataPolicyCombinedOrderTests(DatabaseEngine engine)
{
    private const string Misfit = "fundbuero-amtsfuchs";           // a private operator
    private const string Fits = "hundesteuer-online-amtsfuchs";    // a municipal operator
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine);
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/data-policy", new { publicOperatorsOnly = true }), HttpStatusCode.OK);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static HttpRequestMessage BasketOrder(object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/basket/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Key());
        return request;
    }

    [Test]
    public async Task Each_offering_of_the_merkliste_that_misses_the_policy_needs_its_own_reason()
    {
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var basket = $"/api/v1/municipalities/{Muenchen}/basket";
        await JsonAsync(await buyer.PutAsJsonAsync($"{basket}/items/{Fits}", new { planId = "standard" }), HttpStatusCode.OK);
        await JsonAsync(await buyer.PutAsJsonAsync($"{basket}/items/{Misfit}", new { planId = "standard" }), HttpStatusCode.OK);
        var items = (await JsonAsync(await buyer.GetAsync(basket), HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("offeringId").GetString()).ToList();
        var misfitIndex = items.IndexOf(Misfit);

        // The page marks the one offering that misses the policy and asks for its reason there, not for the other one.
        var page = await buyer.GetStringAsync($"/gemeinden/{Muenchen}/merkliste");
        Assert.That(Regex.Matches(page, "id=\"policy-exception-\\d+\"").Select(m => m.Value), Is.EqualTo(new[] { $"id=\"policy-exception-{misfitIndex}\"" }));
        Assert.That(page, Does.Contain($"name=\"policyReason{misfitIndex}\""));
        var posted = await IdentityHost.PostFormAsync(buyer, $"/gemeinden/{Muenchen}/merkliste",
            new() { ["IdempotencyKey"] = Key(), ["shared.behoerde"] = "Bürgerbüro München", ["shared.kontaktEmail"] = "buergerbuero@muenchen.example" });
        Assert.That(await posted.Content.ReadAsStringAsync(), Does.Contain($"href=\"#field-policyReason{misfitIndex}\""));

        var shared = new { behoerde = "Bürgerbüro München", kontaktEmail = "buergerbuero@muenchen.example" };
        var configurations = new Dictionary<string, object> { [Fits] = new { ags = Muenchen, steuerverfahren = "verfahren-a" } };
        var refused = await JsonAsync(await buyer.SendAsync(BasketOrder(new { sharedConfiguration = shared, configurations })), HttpStatusCode.BadRequest);
        var fields = refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.That(fields, Is.EqualTo(new[] { $"items/{misfitIndex}/dataPolicyException/reason" }), refused.ToString());

        const string reason = "Kein öffentlicher Betreiber bietet ein Fundbüro an; der Vertrag nach Art. 28 DSGVO ist geprüft.";
        var exceptions = new Dictionary<string, object> { [Misfit] = new { reason } };
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        Assert.That((await bundler.SendAsync(BasketOrder(new { sharedConfiguration = shared, configurations, dataPolicyExceptions = exceptions }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "an exception is the municipality's own buyer-admin's decision");

        var order = await JsonAsync(await buyer.SendAsync(BasketOrder(new { sharedConfiguration = shared, configurations, dataPolicyExceptions = exceptions })),
            HttpStatusCode.Created);
        Assert.That(order.GetProperty("subscriptionIds").GetArrayLength(), Is.EqualTo(2));
        var audit = await _host.Services.GetRequiredService<AuditTrail>()
            .QueryAsync(new AuditQuery(Action: "order.data-policy-exception", ObjectId: order.GetProperty("id").GetString()));
        Assert.That(audit.Select(a => JsonDocument.Parse(a.AfterJson!).RootElement.GetProperty("offering").GetString()), Is.EqualTo(new[] { Misfit }),
            "one exception, for the offering that misses the policy");
    }

    [Test]
    public async Task A_bundle_order_names_the_selection_whose_offering_misses_the_policy()
    {
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var bundle = _host.Services.GetRequiredService<Marketplace.Catalog.Search.CatalogSearchService>().Current.Catalog.Bundles
            .First(b => b.Leistungen.Count >= 1);
        var catalog = _host.Services.GetRequiredService<Marketplace.Catalog.Search.CatalogSearchService>().Current.Catalog;
        var (ozg, offering) = bundle.Leistungen.SelectMany(l => catalog.Offerings
                .Where(o => o.Descriptor.Leistungen.Contains(l) && o.Listing.Orderable && o.Descriptor.AllLaender
                            && o.Descriptor.Hosting.Operator is { Kind: "privat" or "hyperscaler" })
                .Select(o => (l, o.Descriptor)))
            .First();
        var body = new
        {
            bundleId = bundle.Id,
            selections = new[] { new { ozgId = ozg, offeringId = offering.Id, planId = offering.Plans[0].Id, configuration = new { } } },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/bundle-orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Key());
        var refused = await JsonAsync(await buyer.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.That(refused.GetProperty("errors").TryGetProperty("selections/0/dataPolicyException/reason", out _), Is.True, refused.ToString());

        var withException = new
        {
            bundleId = bundle.Id,
            selections = new[] { new { ozgId = ozg, offeringId = offering.Id, planId = offering.Plans[0].Id, configuration = new { },
                dataPolicyException = new { reason = "Geprüft" } } },
        };
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        var byDelegate = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/bundle-orders") { Content = JsonContent.Create(withException) };
        byDelegate.Headers.Add("Idempotency-Key", Key());
        Assert.That((await bundler.SendAsync(byDelegate)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var again = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/bundle-orders") { Content = JsonContent.Create(withException) };
        again.Headers.Add("Idempotency-Key", Key());
        var answer = await JsonAsync(await buyer.SendAsync(again), HttpStatusCode.BadRequest);
        Assert.That(answer.GetProperty("errors").TryGetProperty("selections/0/dataPolicyException/reason", out _), Is.False,
            "with a reason the policy no longer stands in the way (only the empty configuration does): " + answer);
    }

    [Test]
    public async Task A_rollout_leaves_out_a_municipality_whose_policy_excludes_the_offering_and_reports_why()
    {
        var koeln = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        await JsonAsync(await koeln.PostAsJsonAsync($"/api/v1/municipalities/{Koeln}/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = false, viewInvoices = false }), HttpStatusCode.Created);
        var bundler = await _host.SignedInAsync(DenialMatrix.BundlerAdmin);
        var started = await JsonAsync(await bundler.PostAsJsonAsync("/api/v1/rollouts", new
        {
            offeringId = Misfit, planId = "standard", municipalityAgs = new[] { Muenchen, Koeln },
            commonConfiguration = new { behoerde = "Fundbüro", kontaktEmail = "fundbuero@kommunale-it.example" },
        }), HttpStatusCode.Created);
        Assert.That(started.GetProperty("created").GetInt32(), Is.EqualTo(1), started.ToString());
        var skipped = started.GetProperty("skipped").EnumerateArray().Single();
        Assert.That((skipped.GetProperty("ags").GetString(), skipped.GetProperty("code").GetString()), Is.EqualTo((Muenchen, "data-policy")));
        Assert.That(skipped.GetProperty("violations")[0].GetProperty("code").GetString(), Is.EqualTo("operator-not-public"));

        var subscriptions = await JsonAsync(await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin)).GetAsync($"/api/v1/municipalities/{Muenchen}/subscriptions"),
            HttpStatusCode.OK);
        Assert.That(subscriptions.EnumerateArray().Select(s => s.GetProperty("offeringId").GetString()), Does.Not.Contain(Misfit),
            "nothing was ordered for München");

        var rolloutId = started.GetProperty("rolloutId").GetString();
        var progress = await JsonAsync(await bundler.GetAsync($"/api/v1/rollouts/{rolloutId}"), HttpStatusCode.OK);
        Assert.That(progress.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("ags").GetString()), Is.EqualTo(new[] { Muenchen }));
        var page = await bundler.GetStringAsync($"/rollouts/{rolloutId}");
        Assert.That(page, Does.Contain("id=\"rollout-skipped\"").And.Contain("München").And.Contain("Datenrichtlinie"));
    }
}
