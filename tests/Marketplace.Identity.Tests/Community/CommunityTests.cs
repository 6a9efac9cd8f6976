using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Community.CommunityData;

namespace Marketplace.Identity.Tests.Community;

/// <summary>
/// Ratings, feature requests, recommendations and reliability facts through the API and the pages. A host of its own:
/// recommendation and reliability figures count every subscription, so no other fixture's orders may mix in.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class CommunityTests(DatabaseEngine engine)
{
    private const string Muenchen = "09162000";
    private const string Koeln = "05315000";
    private IdentityHost _host = null!;
    private IReadOnlyList<string> _others = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine);
        _others = await OtherMunicipalitiesAsync(_host, 12);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private Task<HttpClient> As(string email) => _host.SignedInAsync(email);

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    [Test]
    public async Task Only_a_municipality_whose_subscription_was_live_may_rate()
    {
        const string offering = "auskunftssperre-paragraf";
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var url = $"/api/v1/offerings/{offering}/ratings/{Muenchen}";

        var never = await buyer.PutAsJsonAsync(url, new { stars = 4 });
        Assert.That(never.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "no subscription at all");

        await SubscribeAsync(_host, Muenchen, offering, new Step("requested", 0), new Step("failed", 3));
        Assert.That((await buyer.PutAsJsonAsync(url, new { stars = 4 })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "a request that failed before it was ever active does not count");

        // The same subscription retried, active, and later cancelled: it was live, so München may rate.
        await using (var c = await _host.Database.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO subscription_events (subscription_id, seq, occurred_at, kind, from_state, to_state, actor_user_id, message)
                VALUES (@id, 3, '2026-10-02T08:00:00.0000000Z', 'activated', 'provisioning', 'active', 'test', NULL),
                       (@id, 4, '2026-10-20T08:00:00.0000000Z', 'cancelled', 'active', 'cancelled', 'test', NULL)
                """, new { id = $"sub-{Muenchen}-{offering}" });
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE subscriptions SET state = 'cancelled' WHERE id = @id", new { id = $"sub-{Muenchen}-{offering}" });
        }
        var rated = await JsonAsync(await buyer.PutAsJsonAsync(url, new { stars = 4, comment = "Zuverlässig." }));
        Assert.That(rated["stars"]!.GetValue<int>(), Is.EqualTo(4));
        Assert.That(rated["municipalityName"]!.GetValue<string>(), Is.Not.Empty);

        var invalid = await buyer.PutAsJsonAsync(url, new { stars = 6 });
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["errors"]!["stars"], Is.Not.Null, "the field at fault");

        var viewer = await As(DenialMatrix.MuenchenViewer);
        Assert.That((await viewer.PutAsJsonAsync(url, new { stars = 1 })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a buyer-viewer cannot rate");
        var koeln = await As(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.PutAsJsonAsync(url, new { stars = 1 })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another municipality's rating");
    }

    [Test]
    public async Task Rating_again_replaces_the_municipalitys_rating_and_is_audited_as_a_change()
    {
        const string offering = "baumfaellantrag-paragraf";
        await ActiveAsync(_host, Muenchen, offering);
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var url = $"/api/v1/offerings/{offering}/ratings/{Muenchen}";
        await JsonAsync(await buyer.PutAsJsonAsync(url, new { stars = 2, comment = "Holprig." }));
        await JsonAsync(await buyer.PutAsJsonAsync(url, new { stars = 5 }));

        var list = await JsonAsync(await _host.Browser().GetAsync($"/api/v1/offerings/{offering}/ratings"));
        Assert.That(list["count"]!.GetValue<int>(), Is.EqualTo(1), "one rating per municipality and offering");
        Assert.That(list["average"]!.GetValue<double>(), Is.EqualTo(5));
        Assert.That(list["items"]![0]!["comment"], Is.Null, "the new rating replaced the comment too");

        Assert.That(await AuditAsync(_host, "rating.submitted", $"{offering}/{Muenchen}"), Has.Count.EqualTo(1));
        var changed = await AuditAsync(_host, "rating.changed", $"{offering}/{Muenchen}");
        Assert.That(changed, Has.Count.EqualTo(1));
        Assert.That(JsonNode.Parse(changed[0].BeforeJson!)!["stars"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task The_catalogue_shows_average_and_count_and_sorts_by_rating()
    {
        const string best = "abschleppauskunft-brightforms", worse = "bauantrag-alpenstadt";
        foreach (var (ags, offering, stars) in new[] { (_others[8], best, 5), (_others[9], best, 4), (_others[8], worse, 3) })
        {
            await ActiveAsync(_host, ags, offering);
            await _host.Services.GetRequiredService<Marketplace.Community.Ratings.RatingService>()
                .RateAsync(new Marketplace.Kernel.Actor("test", null), ags, offering, stars, null);
        }
        var summary = await JsonAsync(await _host.Browser().GetAsync($"/api/v1/offerings/{best}/ratings"));
        Assert.That((summary["average"]!.GetValue<double>(), summary["count"]!.GetValue<int>()), Is.EqualTo((4.5, 2)));

        var search = await JsonAsync(await _host.Browser().GetAsync("/api/v1/offerings?sort=rating&pageSize=100&orderable=true&orderable=false"));
        var ids = search["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        var unrated = search["items"]!.AsArray().First(i => i!["rating"] is null)!["id"]!.GetValue<string>();
        Assert.That(ids.IndexOf(best), Is.LessThan(ids.IndexOf(worse)));
        Assert.That(ids.IndexOf(worse), Is.LessThan(ids.IndexOf(unrated)), "unrated offerings come last");
        var card = search["items"]!.AsArray().First(i => i!["id"]!.GetValue<string>() == best)!;
        Assert.That(card["rating"]!["average"]!.GetValue<double>(), Is.EqualTo(4.5));

        var page = await _host.Browser().GetStringAsync("/angebote?sort=rating&orderable=true&orderable=false");
        Assert.That(page, Does.Contain("<option value=\"rating\" selected=\"selected\">").Or.Contain("value=\"rating\" selected"));
        // Stars for the eye, the same in words for screen readers.
        Assert.That(page, Does.Contain("★★★★★").And.Contain("<span class=\"visually-hidden\">4,5 von 5 Sternen</span>").And.Contain("(2 Bewertungen)"));
    }

    [Test]
    public async Task Requests_are_submitted_supported_withdrawn_and_answered_by_the_offerings_vendor()
    {
        const string offering = "gewerbe-service-komuna";
        var muenchen = await As(DenialMatrix.MuenchenAdmin);
        var created = await muenchen.PostAsJsonAsync($"/api/v1/offerings/{offering}/requests", new { title = "Export als CSV", text = "Die Anträge als CSV." });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var request = await JsonAsync(created);
        var id = request["id"]!.GetValue<string>();
        Assert.That((request["ags"]!.GetValue<string>(), request["status"]!.GetValue<string>(), request["supporters"]!.GetValue<int>()),
            Is.EqualTo((Muenchen, "open", 1)), "the requester's own municipality supports it");

        var missingTitle = await muenchen.PostAsJsonAsync($"/api/v1/offerings/{offering}/requests", new { text = "Ohne Titel." });
        Assert.That(missingTitle.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var koeln = await As(DenialMatrix.KoelnAdmin);
        var supported = await JsonAsync(await koeln.PutAsync($"/api/v1/requests/{id}/supporters/{Koeln}", null));
        Assert.That(supported["supporters"]!.GetValue<int>(), Is.EqualTo(2));
        supported = await JsonAsync(await koeln.PutAsync($"/api/v1/requests/{id}/supporters/{Koeln}", null));
        Assert.That(supported["supporters"]!.GetValue<int>(), Is.EqualTo(2), "one support per municipality");
        var withdrawn = await JsonAsync(await koeln.DeleteAsync($"/api/v1/requests/{id}/supporters/{Koeln}"));
        Assert.That(withdrawn["supporters"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(await AuditAsync(_host, "feature-request.supported", id), Has.Count.EqualTo(1));
        Assert.That(await AuditAsync(_host, "feature-request.support-withdrawn", id), Has.Count.EqualTo(1));

        var havelsoft = await As(DenialMatrix.HavelsoftAdmin);
        Assert.That((await havelsoft.PostAsJsonAsync($"/api/v1/requests/{id}/answer", new { status = "planned" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound), "another vendor's request");
        var komuna = await As(DenialMatrix.KomunaEditor);
        Assert.That((await komuna.PostAsJsonAsync($"/api/v1/requests/{id}/answer", new { status = "someday" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var answered = await JsonAsync(await komuna.PostAsJsonAsync($"/api/v1/requests/{id}/answer", new { status = "planned", answer = "Kommt im Frühjahr." }));
        Assert.That((answered["status"]!.GetValue<string>(), answered["answer"]!.GetValue<string>()), Is.EqualTo(("planned", "Kommt im Frühjahr.")));

        var audit = await AuditAsync(_host, "feature-request.answered", id);
        Assert.That(audit, Has.Count.EqualTo(1));
        Assert.That(audit[0].ObjectType, Is.EqualTo("feature-request"));
        var after = JsonNode.Parse(audit[0].AfterJson!)!;
        Assert.That((after["offeringId"]!.GetValue<string>(), after["status"]!.GetValue<string>(), after["ags"]!.GetValue<string>()),
            Is.EqualTo((offering, "planned", Muenchen)));

        var publicList = await JsonAsync(await _host.Browser().GetAsync($"/api/v1/offerings/{offering}/requests"));
        Assert.That(publicList.AsArray().Select(r => r!["id"]!.GetValue<string>()), Does.Contain(id));
        var vendorList = await JsonAsync(await komuna.GetAsync("/api/v1/vendors/komuna-digital/requests"));
        Assert.That(vendorList.AsArray().Select(r => r!["id"]!.GetValue<string>()), Does.Contain(id));
        var detail = await _host.Browser().GetStringAsync($"/angebote/{offering}");
        Assert.That(detail, Does.Contain("Export als CSV").And.Contain("geplant").And.Contain("Kommt im Frühjahr."));
    }

    [Test]
    public async Task A_recommendation_needs_three_municipalities_behind_it()
    {
        const string x = "meldebescheinigung-komuna", y = "baulastenauskunft-kdi", z = "abfallportal-tonnenwerk";
        foreach (var ags in _others.Take(2))
            foreach (var offering in new[] { x, y, z })
                await ActiveAsync(_host, ags, offering);
        // A failed subscription is no order a municipality uses: it does not make the third.
        await SubscribeAsync(_host, _others[2], z, new Step("requested", 0), new Step("failed", 2));
        await ActiveAsync(_host, _others[2], x);

        async Task<List<(string Id, int Count)>> RecommendationsAsync() =>
            (await JsonAsync(await _host.Browser().GetAsync($"/api/v1/offerings/{x}/recommendations"))).AsArray()
            .Select(r => (r!["offeringId"]!.GetValue<string>(), r["municipalities"]!.GetValue<int>())).ToList();

        Assert.That(await RecommendationsAsync(), Is.Empty, "two municipalities behind each: nothing shown");

        await ActiveAsync(_host, _others[2], y);
        Assert.That(await RecommendationsAsync(), Is.EqualTo(new List<(string, int)> { (y, 3) }), "three behind y; z still two");

        var page = await _host.Browser().GetStringAsync($"/angebote/{x}");
        Assert.That(page, Does.Contain("Andere Kommunen bestellten auch").And.Contain($"href=\"/angebote/{y}\"").And.Contain("3 Kommunen nutzen beides"));
        Assert.That(page, Does.Not.Contain($"href=\"/angebote/{z}\""));

        // München's order of x: its confirmation page recommends y too.
        var subscription = await ActiveAsync(_host, Muenchen, x);
        await using (var c = await _host.Database.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO orders (id, municipality_ags, idempotency_key, request_hash, kind, bundle_id, state, monthly_cost_cents, ordered_by, ordered_at,
                    decided_by, decided_at, decision_reason)
                VALUES ('order-community', @ags, 'community', 'hash', 'offering', NULL, 'placed', 0, 'test', '2026-10-01T08:00:00.0000000Z', NULL, NULL, NULL)
                """, new { ags = Muenchen });
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO subscription_provisioning (subscription_id, order_id, rollout_id, fulfilment, instance_id, config_json, pending_json,
                    dashboard_url, notes, failure_reason, failed_job_id)
                VALUES (@subscription, 'order-community', NULL, 'manual', 'instance', '{}', NULL, NULL, NULL, NULL, NULL)
                """, new { subscription });
        }
        var confirmation = await (await As(DenialMatrix.MuenchenAdmin)).GetStringAsync($"/gemeinden/{Muenchen}/bestellungen/order-community?neu=true");
        Assert.That(confirmation, Does.Contain("Andere Kommunen bestellten auch").And.Contain($"href=\"/angebote/{y}\""));
    }

    [Test]
    public async Task Reliability_facts_come_from_the_subscription_timelines()
    {
        const string offering = "bauantrag-online-nordlicht";
        await SubscribeAsync(_host, _others[3], offering, new("requested", 0), new("provisioning", 1), new("active", 10));
        await SubscribeAsync(_host, _others[4], offering, new("requested", 0), new("active", 30));
        await SubscribeAsync(_host, _others[5], offering, new("requested", 0), new("provisioning", 2), new("active", 120));
        await SubscribeAsync(_host, _others[6], offering, new("requested", 0), new("failed", 5), new("provisioning", 20), new("active", 60));
        await SubscribeAsync(_host, _others[7], offering, new("requested", 0), new("failed", 3));
        await SubscribeAsync(_host, _others[10], offering, new Step("requested", 0));

        var facts = await JsonAsync(await _host.Browser().GetAsync($"/api/v1/offerings/{offering}/reliability"));
        Assert.That((facts["succeeded"]!.GetValue<int>(), facts["failed"]!.GetValue<int>(), facts["measured"]!.GetValue<int>()), Is.EqualTo((4, 1, 5)),
            "a retried failure that became active is a success; the pending request counts for neither");
        Assert.That(facts["successRate"]!.GetValue<double>(), Is.EqualTo(0.8));
        Assert.That(facts["medianProvisioningTime"]!.GetValue<string>(), Is.EqualTo("00:45:00"), "median of 10, 30, 60 and 120 minutes");

        var page = await _host.Browser().GetStringAsync($"/angebote/{offering}");
        Assert.That(page, Does.Contain("80 % (4 von 5 Abonnements)").And.Contain("45 Min."));
        var none = await JsonAsync(await _host.Browser().GetAsync("/api/v1/offerings/bibliotheksausweis-lesezeichen/reliability"));
        Assert.That(none["successRate"], Is.Null);
    }

    [Test]
    public async Task Rating_through_the_offering_page_shows_errors_at_the_stars_then_the_rating()
    {
        const string offering = "baumschutz-deichgraf";
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var before = await buyer.GetStringAsync($"/angebote/{offering}");
        Assert.That(before, Does.Contain("kann dieses Angebot bewerten, sobald"), "no subscription: no form, a hint");
        await ActiveAsync(_host, Muenchen, offering);

        var detail = await buyer.GetStringAsync($"/angebote/{offering}");
        Assert.That(detail, Does.Contain("<legend>").And.Contain("1 von 5").And.Contain("5 von 5").And.Contain($"action=\"/angebote/{offering}/bewerten\""));

        var page = $"/angebote/{offering}/bewerten";
        var invalid = await IdentityHost.PostFormAsync(buyer, page, new() { ["Ags"] = Muenchen, ["Comment"] = "Ohne Sterne" });
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("class=\"error-summary\"").And.Contain("href=\"#field-Stars\"").And.Contain("Ohne Sterne"));
        var english = await (await IdentityHost.PostFormAsync(buyer, page + "?culture=en-GB", new() { ["Ags"] = Muenchen, ["Comment"] = "Ohne Sterne" }))
            .Content.ReadAsStringAsync();
        Assert.That(english, Does.Contain("Choose 1 to 5 stars.").And.Not.Contain("Wählen Sie"), "the English page words the error in English");

        var saved = await IdentityHost.PostFormAsync(buyer, page, new() { ["Ags"] = Muenchen, ["Stars"] = "4", ["Comment"] = "Gut für den Bauhof." });
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await saved.Content.ReadAsStringAsync());
        var after = await _host.Browser().GetStringAsync($"/angebote/{offering}");
        Assert.That(after, Does.Contain("4 von 5").And.Contain("Gut für den Bauhof.").And.Contain("4,0 von 5 (1 Bewertungen)"));

        var anonymous = await _host.Browser().GetAsync(page);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the rating page is for signed-in municipalities");
        Assert.That(anonymous.Headers.Location!.ToString(), Does.Contain("/konto/anmelden"));
        var koeln = await As(DenialMatrix.KoelnAdmin);
        var refused = await IdentityHost.PostFormAsync(koeln, $"/angebote/{offering}/wuensche", new() { ["Ags"] = Muenchen, ["Title"] = "x", ["Text"] = "y" });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Köln cannot request for München");
    }

    [Test]
    public async Task Vendors_answer_requests_in_their_portal()
    {
        var request = await RequestAsync(_host, Koeln, "meldebescheinigung-komuna", "Mehrsprachige Bescheinigung");
        var vendor = await As(DenialMatrix.KomunaAdmin);
        var list = await vendor.GetStringAsync("/anbieterportal/wuensche");
        Assert.That(list, Does.Contain("Mehrsprachige Bescheinigung").And.Contain("offen"));

        var answered = await IdentityHost.PostFormAsync(vendor, "/anbieterportal/wuensche",
            new() { ["requestId"] = request.Id, ["Status"] = "implemented", ["Answer"] = "Seit Version 3 enthalten." }, handler: "Answer");
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await answered.Content.ReadAsStringAsync());
        Assert.That(await AuditAsync(_host, "feature-request.answered", request.Id), Has.Count.EqualTo(1));
        Assert.That(await vendor.GetStringAsync("/anbieterportal/wuensche"), Does.Contain("Seit Version 3 enthalten."));

        var other = await As(DenialMatrix.HavelsoftAdmin);
        Assert.That(await other.GetStringAsync("/anbieterportal/wuensche"), Does.Not.Contain("Mehrsprachige Bescheinigung"));
        var foreign = await IdentityHost.PostFormAsync(other, "/anbieterportal/wuensche",
            new() { ["requestId"] = request.Id, ["Status"] = "declined" }, handler: "Answer");
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another vendor's request");
    }
}
