using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>The ordering pages as a browser uses them: forms with antiforgery, errors at the fields, who sees which page.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class OrderPagesTests(DatabaseEngine engine)
{
    [Test]
    public async Task Ordering_through_the_form_shows_field_errors_and_then_confirms_the_order()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        const string page = "/angebote/briefwahl-havelsoft/bestellen";
        var form = await buyer.GetStringAsync(page);
        Assert.That(form, Does.Contain("id=\"field-cfg.behoerde\"").And.Contain("name=\"cfg.kontaktEmail\""), "fields generated from the schema");
        Assert.That(form, Does.Contain("name=\"cfg.statusanzeige\"").And.Contain("type=\"checkbox\""), "a boolean becomes a checkbox");
        Assert.That(form, Does.Contain("Bestellung für München, Landeshauptstadt").And.Not.Contain($"Gemeinde {Muenchen}"), "the municipality by its name");
        Assert.That(await buyer.GetStringAsync($"/gemeinden/{Muenchen}/abonnements"), Does.Contain("<span class=\"meta\">München, Landeshauptstadt</span>"));

        var key = Guid.NewGuid().ToString();
        var invalid = await IdentityHost.PostFormAsync(buyer, page, new()
        {
            ["Ags"] = Muenchen, ["IdempotencyKey"] = key, ["PlanId"] = "gemeinde", ["cfg.behoerde"] = "W", ["cfg.kontaktEmail"] = "wahlamt",
        });
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("class=\"error-summary\"").And.Contain("href=\"#field-cfg.behoerde\"").And.Contain("href=\"#field-cfg.kontaktEmail\""));
        Assert.That(html, Does.Contain("aria-invalid=\"true\""));
        Assert.That(html, Does.Contain("value=\"wahlamt\""), "what was entered stays in the form");

        var placed = await IdentityHost.PostFormAsync(buyer, page, new()
        {
            ["Ags"] = Muenchen, ["IdempotencyKey"] = key, ["PlanId"] = "gemeinde", ["cfg.behoerde"] = "Wahlamt München",
            ["cfg.kontaktEmail"] = "wahlamt@muenchen.example", ["cfg.statusanzeige.present"] = "1",
        });
        Assert.That(placed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await placed.Content.ReadAsStringAsync());
        var confirmation = placed.Headers.Location!.ToString();
        Assert.That(confirmation, Does.StartWith($"/gemeinden/{Muenchen}/bestellungen/"));
        var confirmed = await buyer.GetStringAsync(confirmation);
        Assert.That(confirmed, Does.Contain("Ihre Bestellung ist eingegangen"));

        // The subscription page shows the values with their source; statusanzeige was unticked by the buyer.
        var subscriptionLink = System.Text.RegularExpressions.Regex.Match(confirmed, $"href=\"(/gemeinden/{Muenchen}/abonnements/[^\"]+)\"").Groups[1].Value;
        var detail = await buyer.GetStringAsync(subscriptionLink);
        Assert.That(detail, Does.Contain("Wahlamt München").And.Contain("Angabe der Gemeinde"));
        Assert.That(detail, Does.Contain("Verlauf"));
        var config = await buyer.GetFromJsonAsync<JsonElement>("/api/v1" + subscriptionLink.Replace("/gemeinden/", "/municipalities/").Replace("/abonnements/", "/subscriptions/") + "/configuration");
        Assert.That(config.GetProperty("values").GetProperty("statusanzeige").GetBoolean(), Is.False);

        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.GetAsync(subscriptionLink)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another municipality's subscription");
        var viewer = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        Assert.That((await viewer.GetAsync(subscriptionLink)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the viewer reads");
        var viewerOrder = await viewer.GetAsync("/angebote/fundbuero-amtsfuchs/bestellen");
        Assert.That(viewerOrder.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(viewerOrder.Headers.Location!.ToString(), Does.Contain("kein-zugriff"), "a viewer cannot order");
    }

    [Test]
    public async Task An_offering_without_metered_prices_is_ordered_as_the_browser_posts_it_and_an_untouched_optional_section_is_left_out()
    {
        // The EfA service has no metered prices (no usage fields) and an optional payment section whose service select
        // is preset: the browser posts that preset even when nobody opened the section.
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        const string page = "/angebote/wohnsitz-efa-ldvt/bestellen";
        Assert.That(await buyer.GetStringAsync(page), Does.Contain("name=\"cfg.epayment.bezahldienst\"").And.Not.Contain("name=\"Usage["));
        var key = Guid.NewGuid().ToString();
        Dictionary<string, string> Fields(string behoerde) => new()
        {
            ["Ags"] = Koeln, ["IdempotencyKey"] = key, ["PlanId"] = "efa-nachnutzung", ["AddOnIds"] = "fachverfahrensadapter",
            ["cfg.behoerde"] = behoerde, ["cfg.ags"] = Koeln, ["cfg.kontaktEmail"] = "meldewesen@koeln.example",
            ["cfg.fitConnect.zustellpunktId"] = "5d4a3c2b-1f0e-4d9c-8b7a-6f5e4d3c2b1a", ["cfg.fitConnect.umgebung"] = "produktiv",
            ["cfg.epayment.bezahldienst"] = "epaybl", ["cfg.beitrittErklaert"] = "true", ["cfg.beitrittErklaert.present"] = "1",
        };

        var invalid = await IdentityHost.PostFormAsync(buyer, page, Fields("K"));
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("href=\"#field-cfg.behoerde\""));
        Assert.That(html, Does.Not.Contain("is not valid").And.Not.Contain("Mandantennummer\"").And.Not.Contain("Pflichtangabe fehlt: Mandantennummer"),
            "no binder message about plan or add-on ids, and the untouched payment section demands nothing");

        var placed = await IdentityHost.PostFormAsync(buyer, page, Fields("Bürgeramt Köln"));
        Assert.That(placed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await placed.Content.ReadAsStringAsync());
        var confirmed = await buyer.GetStringAsync(placed.Headers.Location!.ToString());
        var subscription = System.Text.RegularExpressions.Regex.Match(confirmed, $"href=\"/gemeinden/{Koeln}/abonnements/([^\"]+)\"").Groups[1].Value;
        var config = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Koeln}/subscriptions/{subscription}/configuration");
        Assert.That(config.GetProperty("values").TryGetProperty("epayment", out _), Is.False, "the untouched optional section is not configured");
        Assert.That(config.GetProperty("values").GetProperty("fitConnect").GetProperty("umgebung").GetString(), Is.EqualTo("produktiv"),
            "a required section keeps its preset");
    }

    [Test]
    public async Task The_order_form_shows_the_cost_summary_and_recalculates_it_without_javascript()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        const string page = "/angebote/meldeportal-komuna/bestellen";
        var form = await buyer.GetStringAsync(page);
        Assert.That(form, Does.Contain("Kostenübersicht").And.Contain("Einrichtung und Schulung").And.Contain("1.500,00&#xA0;€"), "the setup fee is announced");
        Assert.That(form, Does.Contain("von Ihrer Kommune selbst finanziert").And.Not.Contain("für Ihre Kommune kostenfrei"),
            "a self-funded standard package is not called free");
        Assert.That(form, Does.Contain("Mehrsprachige Oberfläche").And.Contain("name=\"Usage[antraege]\"").And.Contain("handler=Quote"));
        Assert.That(form, Does.Match("Schätzung für [0-9.]+ Einwohner: [0-9.]+ Antrag je Monat"), "usage estimated from München's population, labelled as such");
        Assert.That(form, Does.Contain("Auf die Merkliste"), "the chosen plan and add-ons can go on the Merkliste instead");

        // The large-city plan has no multilingual add-on: choosing it and recalculating drops it, and nothing is ordered.
        var recalculated = await IdentityHost.PostFormAsync(buyer, page, new()
        {
            ["Ags"] = Muenchen, ["IdempotencyKey"] = Key(), ["PlanId"] = "grossstadt", ["AddOnIds"] = "mehrsprachigkeit", ["Usage[antraege]"] = "4000",
            ["cfg.behoerde"] = "Bürgerbüro",
        }, "Quote");
        var html = await recalculated.Content.ReadAsStringAsync();
        Assert.That(recalculated.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Not.Contain("Mehrsprachige Oberfläche").And.Contain("ePayment-Anbindung"));
        Assert.That(html, Does.Contain("value=\"4000\"").And.Contain("value=\"Bürgerbüro\""), "the entries stay");
        Assert.That(html, Does.Not.Contain("error-summary"), "recalculating is not submitting");
        Assert.That((await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/orders")).ToString(), Does.Not.Contain("meldeportal-komuna"));

        var english = await buyer.GetStringAsync(page + "?culture=en-GB");
        Assert.That(english, Does.Contain("Cost summary").And.Contain("€1,500.00").And.Not.Contain("£").And.Not.Contain("Kostenübersicht"));

        var viewer = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var refused = await viewer.PostAsync(page + "?handler=Quote", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Ags"] = Muenchen, ["PlanId"] = "standard", ["__RequestVerificationToken"] = IdentityHost.AntiforgeryToken(await viewer.GetStringAsync("/")),
        }));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "a viewer cannot ask the order form for a quote either");
        Assert.That(refused.Headers.Location!.ToString(), Does.Contain("kein-zugriff"));
    }

    [Test]
    public async Task A_second_buyer_admin_approves_an_order_on_its_page()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        await buyer.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = 0 });
        JsonElement placed;
        try
        {
            placed = await JsonAsync(await PlaceAsync(bundler, Muenchen, Key(), new
            {
                offeringId = "umzugsassistent-amtsfuchs", planId = "kompakt",
                configuration = new { behoerde = "Bürgerbüro München", ags = Muenchen, kontaktEmail = "umzug@muenchen.example" },
            }), HttpStatusCode.Created);
        }
        finally
        {
            await buyer.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = (long?)null });
        }
        var page = $"/gemeinden/{Muenchen}/bestellungen/{placed.GetProperty("id").GetString()}";
        Assert.That(await bundler.GetStringAsync(page), Does.Not.Contain("handler=Approve"), "the delegate who ordered does not approve");
        Assert.That(await buyer.GetStringAsync($"/gemeinden/{Muenchen}/bestellungen"), Does.Contain("wartet auf Freigabe"));

        var approved = await IdentityHost.PostFormAsync(buyer, page, new(), "Approve");
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await approved.Content.ReadAsStringAsync());
        Assert.That(await buyer.GetStringAsync(page), Does.Contain("aufgegeben").And.Not.Contain("handler=Approve"));
    }

    [Test]
    public async Task A_vendor_completes_a_manual_task_on_the_tasks_page_after_a_field_error()
    {
        var host = await SharedHosts.For(engine);
        var placed = await host.Services.GetRequiredService<OrderService>().PlaceAsync(Potsdam, "user-potsdam", Key(), new OrderRequest(
            "gutachterausschuss-havelsoft", "geschaeftsstelle", [], new JsonObject
            {
                ["behoerde"] = "Gutachterausschuss Potsdam", ["kontaktEmail"] = "gaa@potsdam.example", ["landkreis"] = "Potsdam",
            }));
        var id = placed.Order.SubscriptionIds.Single();
        var havelsoft = await host.SignedInAsync(DenialMatrix.HavelsoftAdmin);
        Assert.That(await havelsoft.GetStringAsync("/anbieterportal/aufgaben"), Does.Contain($"field-dashboardUrl-{id}"));
        Assert.That(await (await host.SignedInAsync(DenialMatrix.KomunaAdmin)).GetStringAsync("/anbieterportal/aufgaben"), Does.Not.Contain(id), "another vendor");

        var invalid = await IdentityHost.PostFormAsync(havelsoft, "/anbieterportal/aufgaben", new() { ["subscriptionId"] = id, ["DashboardUrl"] = "kein-link" }, "Complete");
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain($"href=\"#field-dashboardUrl-{id}\""), html);

        var done = await IdentityHost.PostFormAsync(havelsoft, "/anbieterportal/aufgaben",
            new() { ["subscriptionId"] = id, ["DashboardUrl"] = "https://gaa.havelsoft.example/potsdam", ["Notes"] = "Zugang per Post" }, "Complete");
        Assert.That(await done.Content.ReadAsStringAsync(), Does.Contain("Die Aufgabe ist erledigt").And.Not.Contain($"field-dashboardUrl-{id}"));
        var seen = await havelsoft.GetFromJsonAsync<JsonElement>($"/api/v1/vendors/havelsoft/subscriptions/{id}");
        Assert.That(seen.GetProperty("subscription").GetProperty("state").GetString(), Is.EqualTo("active"));
        Assert.That(await havelsoft.GetStringAsync("/anbieterportal/bestellungen"), Does.Contain("<td>Gutachterausschuss online</td>").And.Not.Contain("<td>gutachterausschuss-havelsoft</td>"), "offerings by name");
    }

    [Test]
    public async Task A_bundler_starts_a_rollout_on_the_page_and_sees_its_progress_page()
    {
        var host = await SharedHosts.For(engine);
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        var choose = await bundler.GetStringAsync("/rollouts/neu");
        Assert.That(choose, Does.Contain("<select id=\"field-OfferingId\"").And.Contain(">Hundesteuer online – "), "the offering is chosen by its name, not typed as an id");
        var page = "/rollouts/neu?offeringId=hundesteuer-online-amtsfuchs";
        var form = await bundler.GetStringAsync(page);
        Assert.That(form, Does.Contain("name=\"cfg.steuerverfahren\""));
        Assert.That(form, Does.Contain($"value=\"{Muenchen}\"").And.Contain("München, Landeshauptstadt"), "delegating municipalities are ticked by name");
        Assert.That(form, Does.Contain(">Verfahren A</option>"), "a choice by its label");
        Assert.That(form, Does.Contain(">Bayern ("), "the Land by its name");

        var missing = await IdentityHost.PostFormAsync(bundler, page, new() { ["OfferingId"] = "hundesteuer-online-amtsfuchs", ["PlanId"] = "standard", ["LandCode"] = "09" });
        var html = await missing.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("href=\"#field-cfg.behoerde\"").And.Contain("München, Landeshauptstadt: "), "the municipality's missing values, by its name, at the common field");

        var started = await IdentityHost.PostFormAsync(bundler, page, new()
        {
            ["OfferingId"] = "hundesteuer-online-amtsfuchs", ["PlanId"] = "standard", ["LandCode"] = "09", ["cfg.behoerde"] = "Kassen- und Steueramt",
            ["cfg.ags"] = Muenchen, ["cfg.kontaktEmail"] = "steueramt@muenchen.example", ["cfg.steuerverfahren"] = "verfahren-a",
        });
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await started.Content.ReadAsStringAsync());
        var progressPage = started.Headers.Location!.ToString();
        var rolloutId = progressPage.Split('/').Last();
        var progress = await bundler.GetStringAsync(progressPage);
        Assert.That(progress, Does.Contain($"data-source=\"/api/v1/rollouts/{rolloutId}\"").And.Contain("/js/rollout.js"));
        Assert.That(progress, Does.Contain("<h1>Rollout von Hundesteuer online</h1>"), "the offering by its name, not its id");
        Assert.That(progress, Does.Match("data-field=\"eta\"[^>]*>(noch unbekannt|abgeschlossen|etwa \\d+ (Sekunden?|Minuten?))</dd>"), "the estimate in words");
        Assert.That(await bundler.GetStringAsync("/rollouts"), Does.Contain(rolloutId));
        var json = await bundler.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{rolloutId}");
        Assert.That(json.GetProperty("total").GetInt32(), Is.EqualTo(1));

        var other = await (await host.SignedInAsync(DenialMatrix.MuenchenAdmin)).GetAsync(progressPage);
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "not a bundler");
    }

    [Test]
    public async Task The_dead_letter_page_is_read_by_platform_readers_and_only_the_admin_may_retry()
    {
        var host = await SharedHosts.For(engine);
        var auditor = await host.SignedInAsync(DenialMatrix.Auditor);
        Assert.That((await auditor.GetAsync("/betrieb/jobs")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await IdentityHost.PostFormAsync(auditor, "/betrieb/jobs", new() { ["jobId"] = "no-such-job" }, "Retry");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(refused.Headers.Location!.ToString(), Does.Contain("kein-zugriff"));
        var admin = await host.SignedInAsync(DenialMatrix.PlatformAdmin);
        Assert.That((await IdentityHost.PostFormAsync(admin, "/betrieb/jobs", new() { ["jobId"] = "no-such-job" }, "Retry")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await (await host.SignedInAsync(DenialMatrix.MuenchenAdmin)).GetAsync("/betrieb/jobs")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task The_layout_links_each_role_to_the_ordering_pages_it_can_use()
    {
        var host = await SharedHosts.For(engine);
        var expected = new Dictionary<string, (string[] Has, string[] HasNot)>
        {
            [DenialMatrix.MuenchenViewer] = ([$"/gemeinden/{Muenchen}/bestellungen", $"/gemeinden/{Muenchen}/abonnements"], ["/anbieterportal/aufgaben", "/rollouts", "/betrieb/jobs"]),
            [DenialMatrix.KomunaEditor] = (["/anbieterportal/aufgaben", "/anbieterportal/bestellungen"], ["/gemeinden/", "/rollouts\"", "/betrieb/jobs"]),
            [DenialMatrix.BundlerAdmin] = (["/rollouts\""], ["/anbieterportal/aufgaben", "/betrieb/jobs"]),
            [DenialMatrix.Auditor] = (["/betrieb/jobs"], ["/anbieterportal/aufgaben", "/rollouts\"", "/gemeinden/"]),
        };
        foreach (var (who, (has, hasNot)) in expected)
        {
            var html = await (await host.SignedInAsync(who)).GetStringAsync("/");
            foreach (var link in has) Assert.That(html, Does.Contain(link), who);
            foreach (var link in hasNot) Assert.That(html, Does.Not.Contain(link), who);
        }
    }
}

/// <summary>The life-event bundle page: one offering per Leistung, shared fields once, one order for all.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class BundlePageTests(DatabaseEngine engine)
{
    [Test]
    public async Task A_bundle_is_ordered_with_shared_fields_entered_once()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That(await koeln.GetStringAsync($"/gemeinden/{Koeln}/bestellungen"), Does.Contain($"/gemeinden/{Koeln}/buendel/umzug"));
        var page = $"/gemeinden/{Koeln}/buendel/umzug?sel.10124=umzugsassistent-amtsfuchs&sel.10014=stadtbibliothek-online-komuna";
        var html = await koeln.GetStringAsync(page);
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "name=\"shared.behoerde\"").Count, Is.EqualTo(1), "a shared field once");
        Assert.That(html, Does.Contain("name=\"o1.ags\"").And.Not.Contain("name=\"o0.behoerde\""));
        Assert.That(html, Does.Contain("Kosten von").And.Contain("Gesamtkosten").And.Contain("handler=Quote"), "a cost summary per offering and combined");

        Dictionary<string, string> Fields(string email) => new()
        {
            ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["sel.10124"] = "umzugsassistent-amtsfuchs", ["sel.10014"] = "stadtbibliothek-online-komuna",
            ["plan0"] = "standard", ["plan1"] = "kompakt", ["shared.behoerde"] = "Bürgeramt Köln", ["shared.kontaktEmail"] = email, ["o1.ags"] = Koeln,
        };
        var invalid = await IdentityHost.PostFormAsync(koeln, page, Fields("buergeramt"));
        Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("href=\"#field-shared.kontaktEmail\""));

        var placed = await IdentityHost.PostFormAsync(koeln, page, Fields("buergeramt@koeln.example"));
        Assert.That(placed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await placed.Content.ReadAsStringAsync());
        var orderId = placed.Headers.Location!.ToString().Split('?')[0].Split('/').Last();
        var order = await koeln.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Koeln}/orders/{orderId}");
        Assert.That(order.GetProperty("bundleId").GetString(), Is.EqualTo("umzug"));
        Assert.That(order.GetProperty("subscriptionIds").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_bundle_with_an_offering_the_municipality_already_has_shows_the_error_at_that_offering_in_the_page_language()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        const string offering = "sperrmuell-online-zkd"; // no other test orders it for Köln
        var firstKey = Guid.NewGuid().ToString();
        await JsonAsync(await PlaceAsync(koeln, Koeln, firstKey, new
        {
            offeringId = offering, planId = "mitglied", addOnIds = Array.Empty<string>(),
            configuration = new { behoerde = "Abfallwirtschaft Köln", ags = Koeln, entsorger = "AWB Köln" },
        }), HttpStatusCode.Created);

        var page = $"/gemeinden/{Koeln}/buendel/umzug?sel.10110={offering}";
        Dictionary<string, string> Fields(string? key = null) => new()
        {
            ["IdempotencyKey"] = key ?? Guid.NewGuid().ToString(), ["sel.10110"] = offering, ["plan0"] = "mitglied",
            ["o0.behoerde"] = "Abfallwirtschaft Köln", ["o0.ags"] = Koeln, ["o0.entsorger"] = "AWB Köln",
        };
        await AssertAlreadySubscribedAtFirstOfferingAsync(koeln, page, () => Fields());

        // Sent again with the key of the order that subscribed it (back after ordering, details changed): said at the offering too.
        var again = await IdentityHost.PostFormAsync(koeln, page, Fields(firstKey));
        var reused = await again.Content.ReadAsStringAsync();
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), reused);
        Assert.That(reused, Does.Contain("id=\"field-offering0\"").And.Contain("schon mit anderen Angaben abgeschickt"));
        Assert.That(reused, Does.Not.Contain($"value=\"{firstKey}\""), "a new key for the next attempt");
    }

    [Test]
    public async Task The_order_page_names_offering_and_municipality_and_shows_the_cost_summary_that_the_quote_api_gives()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        const string offering = "bodenrichtwerte-nordlicht"; // no other test orders it for München
        var placed = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), new
        {
            offeringId = offering, planId = "gutachterausschuss", addOnIds = new[] { "epayment" },
            configuration = new
            {
                behoerde = "Gutachterausschuss München", kontaktEmail = "gutachter@muenchen.example", wmsUrl = "https://geo.muenchen.example/wms",
                stichtag = "2026-01-01", epayment = new { bezahldienst = "epaybl", mandantennummer = "M-4711", haushaltsstelle = "1.2.3" },
            },
        }), HttpStatusCode.Created);
        var orderId = placed.GetProperty("id").GetString()!;
        var subscriptionId = placed.GetProperty("subscriptionIds")[0].GetString()!;

        var quote = await JsonAsync(await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/orders/{orderId}/quote"), HttpStatusCode.OK);
        var item = quote.GetProperty("items").EnumerateArray().Single();
        Assert.That(item.GetProperty("offeringId").GetString(), Is.EqualTo(offering));
        Assert.That(item.GetProperty("addOns")[0].GetProperty("extraId").GetString(), Is.EqualTo("epayment"), "the add-on ordered is quoted");
        Assert.That(item.GetProperty("fundedValuePerMonthCents").GetInt64(), Is.EqualTo(9900), "the standard package shown with its value, not charged");
        var twelve = quote.GetProperty("twelveMonthsNetCents").GetInt64();
        Assert.That(twelve, Is.EqualTo(item.GetProperty("twelveMonthsNetCents").GetInt64()).And.GreaterThan(0));

        var html = await buyer.GetStringAsync($"/gemeinden/{Muenchen}/bestellungen/{orderId}?neu=true");
        Assert.That(html, Does.Contain("Bodenrichtwert-Viewer").And.Contain("München, Landeshauptstadt").And.Contain("Kostenübersicht"));
        Assert.That(html, Does.Not.Contain($">{subscriptionId}<").And.Not.Contain($">{Muenchen}<"), "names, not ids");
        Assert.That(html, Does.Contain(Money(twelve, "de-DE")), "the quote's twelve-month total");
        Assert.That(html, Does.Contain(Money(quote.GetProperty("firstInvoiceNetCents").GetInt64(), "de-DE")));

        var english = await buyer.GetStringAsync($"/gemeinden/{Muenchen}/bestellungen/{orderId}?culture=en-GB");
        Assert.That(english, Does.Contain("Standard land value viewer").And.Contain("Cost summary").And.Contain(Money(twelve, "en-GB")).And.Not.Contain("Kostenübersicht"));

        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.GetAsync($"/api/v1/municipalities/{Muenchen}/orders/{orderId}/quote")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>An amount as the pages write it into the HTML (the no-break space encoded).</summary>
    private static string Money(long cents, string culture) =>
        Marketplace.Billing.Pricing.Money.Display(cents, System.Globalization.CultureInfo.GetCultureInfo(culture)).Replace("\u00a0", "&#xA0;");
}
