using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Search;
using Marketplace.Identity.Stores;
using Marketplace.Identity.Tests.Billing;
using Marketplace.Notifications.Notifier;
using Marketplace.Provisioning.Fulfilment;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>
/// Notifications on a host of their own: events of provisioning, billing, conformance and feature requests reach the
/// users of the municipality concerned (in-app and by mail, as each chose) and no one else; saved searches notify once.
/// The host runs as a web instance (no background worker); each test runs a notifier pass synchronously.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class NotificationTests(DatabaseEngine engine)
{
    public const string Muenchen = "09162000";
    public const string Koeln = "05315000";
    private IdentityHost _host = null!;
    private AuditNotifier Notifier => _host.Services.GetRequiredService<AuditNotifier>();

    [OneTimeSetUp]
    public async Task Start()
    {
        // A web instance runs no background work: the tests drive each notifier pass themselves.
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { ["Instance:Role"] = "web" });
        await Notifier.RunOnceAsync();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    internal static async Task<JsonArray> NotificationsOfAsync(IdentityHost host, string who)
    {
        var response = await (await host.SignedInAsync(who)).GetAsync("/api/v1/me/notifications?limit=200");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!.AsArray();
    }

    /// <summary>The notifications of a kind, about one object when given.</summary>
    internal static IEnumerable<JsonNode> About(JsonArray notifications, string kind, string? objectId = null) =>
        notifications.Where(n => n!["kind"]!.GetValue<string>() == kind && (objectId is null || n["objectId"]!.GetValue<string>() == objectId))!;

    internal static async Task<string> UserIdAsync(IdentityHost host, string email)
    {
        using var scope = host.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<MarketplaceUser>>().FindByEmailAsync(email))!.Id;
    }

    /// <summary>The mails in the pickup folder addressed to this person.</summary>
    private int MailsTo(string email) =>
        Directory.GetFiles(_host.MailFolder, "*.eml").Count(f => File.ReadAllText(f).Contains("To: " + email, StringComparison.OrdinalIgnoreCase));

    [Test]
    public async Task An_order_placed_and_provisioned_notifies_the_municipalitys_users_in_app_and_by_mail_and_no_one_else()
    {
        var (adminMails, viewerMails, koelnMails) = (MailsTo(MuenchenAdmin), MailsTo(MuenchenViewer), MailsTo(KoelnAdmin));
        var placed = await _host.Services.GetRequiredService<OrderService>().PlaceAsync(Muenchen, "user-muenchen", "notify-" + Unique(),
            new OrderRequest("namenserklaerung-urkundenwerk", "standard", [], new JsonObject { ["behoerde"] = "Standesamt München", ["kontaktEmail"] = "standesamt@muenchen.example" }));
        var subscriptionId = placed.Order.SubscriptionIds.Single();
        await _host.Services.GetRequiredService<ManualFulfilment>().CompleteAsync("urkundenwerk", "user-urkundenwerk", subscriptionId, "https://urkundenwerk.example/", null);

        var pass = await Notifier.RunOnceAsync();
        Assert.That(pass.MailsSent, Is.GreaterThanOrEqualTo(4), "order placed and subscription active, to both München users");

        var orderId = placed.Order.Id;
        foreach (var who in new[] { MuenchenAdmin, MuenchenViewer })
        {
            var mine = await NotificationsOfAsync(_host, who);
            Assert.That(About(mine, "order.placed", orderId).Count(), Is.EqualTo(1), who);
            var active = About(mine, "subscription.state", subscriptionId).ToList();
            Assert.That(active, Has.Count.EqualTo(1), who + ": provisioning is a passing state, active is told once");
            Assert.That(active[0]["title"]!.GetValue<string>(), Does.Contain("aktiv"));
            Assert.That(active[0]["unread"]!.GetValue<bool>(), Is.True);
            Assert.That(active[0]["link"]!.GetValue<string>(), Is.EqualTo($"/gemeinden/{Muenchen}/abonnements/{subscriptionId}"));
        }
        Assert.That(MailsTo(MuenchenAdmin) - adminMails, Is.EqualTo(2));
        Assert.That(MailsTo(MuenchenViewer) - viewerMails, Is.EqualTo(2));

        var koeln = await NotificationsOfAsync(_host, KoelnAdmin);
        Assert.That(koeln.Any(n => n!["objectId"]!.GetValue<string>() is { } o && (o == orderId || o == subscriptionId)), Is.False);
        Assert.That(MailsTo(KoelnAdmin), Is.EqualTo(koelnMails));

        // Another user's notification is not there for them: 404, and it stays unread.
        var id = About(await NotificationsOfAsync(_host, MuenchenAdmin), "order.placed", orderId).Single()["id"]!.GetValue<string>();
        Assert.That((await (await _host.SignedInAsync(MuenchenViewer)).PostAsync($"/api/v1/me/notifications/{id}/read", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await (await _host.SignedInAsync(KoelnAdmin)).PostAsync($"/api/v1/me/notifications/{id}/read", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenAdmin), "order.placed", orderId).Single()["unread"]!.GetValue<bool>(), Is.True);
        Assert.That((await (await _host.SignedInAsync(MuenchenAdmin)).PostAsync($"/api/v1/me/notifications/{id}/read", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenAdmin), "order.placed", orderId).Single()["unread"]!.GetValue<bool>(), Is.False);

        // The subscriptions export has the new subscription; another municipality's export of München answers 404.
        var text = await MuenchenExportAsync("subscriptions");
        Assert.That(text, Does.StartWith("\uFEFFAbonnement;Angebot;"));
        Assert.That(text, Does.Contain(subscriptionId + ";namenserklaerung-urkundenwerk;"));
    }

    [Test]
    public async Task An_answered_feature_request_notifies_the_requesting_municipality_and_a_category_switched_off_sends_nothing()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var off = await viewer.PutAsJsonAsync("/api/v1/me/notification-preferences",
            new { categories = new[] { new { category = "request-answers", inApp = false, email = false } } });
        Assert.That(off.StatusCode, Is.EqualTo(HttpStatusCode.OK), await off.Content.ReadAsStringAsync());
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        try
        {
            var englishMail = await admin.PutAsJsonAsync("/api/v1/me/notification-preferences",
                new { language = "en", categories = new[] { new { category = "request-answers", inApp = false, email = true } } });
            Assert.That(englishMail.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var (adminMails, viewerMails) = (MailsTo(MuenchenAdmin), MailsTo(MuenchenViewer));
            var mailsBefore = Directory.GetFiles(_host.MailFolder, "*.eml").ToHashSet();

            var requestId = "request-" + Unique();
            await _host.Services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEntry("user-vendor", "vendor-urkundenwerk", "feature-request.answered",
                "feature-request", requestId, new JsonObject { ["status"] = "open" },
                new JsonObject { ["offeringId"] = "namenserklaerung-urkundenwerk", ["status"] = "planned", ["ags"] = Muenchen }));
            var koelnRequest = "request-" + Unique();
            await _host.Services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEntry("user-vendor", "vendor-urkundenwerk", "feature-request.answered",
                "feature-request", koelnRequest, null, new JsonObject { ["offeringId"] = "namenserklaerung-urkundenwerk", ["status"] = "declined", ["ags"] = Koeln }));
            await Notifier.RunOnceAsync();

            var koeln = About(await NotificationsOfAsync(_host, KoelnAdmin), "feature-request.answered", koelnRequest).ToList();
            Assert.That(koeln, Has.Count.EqualTo(1));
            Assert.That(koeln[0]["title"]!.GetValue<string>(), Does.StartWith("Antwort auf Ihre Anfrage"));
            Assert.That(koeln[0]["body"]!.GetValue<string>(), Does.Contain("abgelehnt"), "the status in words");
            Assert.That(About(await NotificationsOfAsync(_host, KoelnAdmin), "feature-request.answered", requestId), Is.Empty, "München's request");
            Assert.That(About(await NotificationsOfAsync(_host, MuenchenViewer), "feature-request.answered", requestId), Is.Empty, "viewer switched the category off");
            Assert.That(MailsTo(MuenchenViewer), Is.EqualTo(viewerMails));
            Assert.That(About(await NotificationsOfAsync(_host, MuenchenAdmin), "feature-request.answered", requestId), Is.Empty, "admin keeps only the e-mail");
            Assert.That(MailsTo(MuenchenAdmin), Is.EqualTo(adminMails + 1));
            var mail = Directory.GetFiles(_host.MailFolder, "*.eml").Where(f => !mailsBefore.Contains(f)).Select(File.ReadAllText)
                .Single(m => m.Contains("To: " + MuenchenAdmin, StringComparison.OrdinalIgnoreCase));
            Assert.That(DecodedSubject(mail), Does.StartWith("Answer to your request"), "in the language the user chose");
        }
        finally
        {
            // Back to the defaults for the other tests.
            foreach (var who in new[] { viewer, admin })
                await who.PutAsJsonAsync("/api/v1/me/notification-preferences",
                    new { language = "de", categories = new[] { new { category = "request-answers", inApp = true, email = true } } });
        }
    }

    [Test]
    public async Task A_vendor_answering_a_request_through_the_community_API_notifies_the_requesting_municipality()
    {
        // The two modules meet only in the audit trail: the community module writes feature-request.answered, the notifier reads it.
        var muenchen = await _host.SignedInAsync(MuenchenAdmin);
        var created = await muenchen.PostAsJsonAsync("/api/v1/offerings/gewerbe-service-komuna/requests",
            new { title = "Schnittstelle zum Gewerberegister " + Unique(), text = "Bitte die Meldungen direkt übergeben." });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var requestId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var vendor = await _host.SignedInAsync(KomunaEditor);
        var answered = await vendor.PostAsJsonAsync($"/api/v1/requests/{requestId}/answer", new { status = "implemented", answer = "Seit Version 4 enthalten." });
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.OK), await answered.Content.ReadAsStringAsync());
        await Notifier.RunOnceAsync();

        var mine = About(await NotificationsOfAsync(_host, MuenchenAdmin), "feature-request.answered", requestId).ToList();
        Assert.That(mine, Has.Count.EqualTo(1));
        Assert.That(mine[0]["body"]!.GetValue<string>(), Does.Contain("umgesetzt"));
        Assert.That(About(await NotificationsOfAsync(_host, KoelnAdmin), "feature-request.answered", requestId), Is.Empty);
    }

    [Test]
    public async Task A_finalised_invoice_notifies_the_buyer_admins_and_the_invoice_export_lists_it()
    {
        await BillingApiTests.SubscribeAsync(_host, "notify-bibliothek-muenchen", Muenchen, BillingApiTests.Bibliothek, "komuna-digital", "standard");
        var vendor = await BillingApiTests.VendorClientAsync(_host, "komuna-system", "komuna-demo-secret-2026");
        var usage = await vendor.PostAsJsonAsync("/api/v1/usage", new { events = new[] { new
        {
            eventId = "notify-" + Unique(), subscriptionId = "notify-bibliothek-muenchen", dimension = "neuanmeldungen", quantity = 600,
            timestamp = DateTimeOffset.Parse("2026-09-15T10:00:00Z"),
        } } });
        Assert.That(usage.StatusCode, Is.EqualTo(HttpStatusCode.OK), await usage.Content.ReadAsStringAsync());
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        Assert.That((await admin.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/billing-account", new { paymentChannel = "xrechnung", email = "rechnung@muenchen.example" }))
            .StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var platform = await _host.SignedInAsync(PlatformAdmin);
        var run = await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = "2026-09" });
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.Created), await run.Content.ReadAsStringAsync());
        var finalized = await platform.PostAsync("/api/v1/billing/periods/2026-09/finalization", null);
        var invoice = JsonNode.Parse(await finalized.Content.ReadAsStringAsync())!["finalized"]!.AsArray().Single(i => i!["municipalityAgs"]!.GetValue<string>() == Muenchen)!;
        var (invoiceId, number) = (invoice["id"]!.GetValue<string>(), invoice["number"]!.GetValue<string>());

        await Notifier.RunOnceAsync();
        var told = About(await NotificationsOfAsync(_host, MuenchenAdmin), "invoice.finalized", invoiceId).ToList();
        Assert.That(told, Has.Count.EqualTo(1));
        Assert.That(told[0]["title"]!.GetValue<string>(), Does.Contain(number));
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenViewer), "invoice.finalized"), Is.Empty, "invoices go to buyer-admins");
        Assert.That(About(await NotificationsOfAsync(_host, KoelnAdmin), "invoice.finalized", invoiceId), Is.Empty);

        var csv = await MuenchenExportAsync("invoices");
        Assert.That(csv, Does.StartWith("\uFEFFRechnungsnummer;Zeitraum;"));
        Assert.That(csv, Does.Contain(number + ";2026-09;finalized;"));
    }

    [Test]
    public async Task A_saved_search_notifies_once_of_a_newly_published_matching_offering()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var saved = await admin.PostAsJsonAsync("/api/v1/me/saved-searches", new { name = "Hundesteuer", query = "q=Hundesteuer&orderable=true,false" });
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Created), await saved.Content.ReadAsStringAsync());
        var invalid = await admin.PostAsJsonAsync("/api/v1/me/saved-searches", new { name = "", query = "lnad=BY" });
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("\"name\""));
        await Notifier.RunOnceAsync();
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenAdmin), "saved-search.match"), Is.Empty, "nothing new yet");

        var id = "hundesteuer-" + Unique();
        await PublishAsync(id);
        var first = await Notifier.RunOnceAsync();
        Assert.That(first.SavedSearchMatches, Is.EqualTo(1));
        var matches = About(await NotificationsOfAsync(_host, MuenchenAdmin), "saved-search.match").ToList();
        Assert.That(matches, Has.Count.EqualTo(1));
        Assert.That(matches[0]["objectId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(matches[0]["link"]!.GetValue<string>(), Is.EqualTo($"/angebote/{id}"));
        Assert.That(matches[0]["title"]!.GetValue<string>(), Does.Contain("Hundesteuer"));

        // The catalogue moves on (another revision); the same offering is not notified again.
        await _host.Services.GetRequiredService<Database>().OpenAsync().ContinueWith(async t =>
        {
            await using var c = await t;
            await c.ExecuteAsync("UPDATE catalog_state SET revision = revision + 1");
        }).Unwrap();
        Assert.That((await Notifier.RunOnceAsync()).SavedSearchMatches, Is.EqualTo(0));
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenViewer), "saved-search.match"), Is.Empty, "the search is the admin's");
        Assert.That(About(await NotificationsOfAsync(_host, MuenchenAdmin), "saved-search.match").Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_conformance_change_or_retirement_of_a_subscribed_offering_notifies_its_subscribers_only()
    {
        await BillingApiTests.SubscribeAsync(_host, "notify-gutachter-koeln", Koeln, "gutachterausschuss-havelsoft", "havelsoft", "geschaeftsstelle");
        var audit = _host.Services.GetRequiredService<AuditTrail>();
        // As the conformance module writes them (web JSON: camelCase).
        await audit.AppendAsync(new AuditEntry("conformance-daily", null, "conformance.status-changed", "offering", "gutachterausschuss-havelsoft",
            JsonNode.Parse("""{"version":1,"statuses":[{"standardId":"dsgvo-avv","status":"conformant"},{"standardId":"bitv-2","status":"conformant"}]}"""),
            JsonNode.Parse("""{"version":1,"statuses":[{"standardId":"dsgvo-avv","status":"expired","reason":"Nachweis abgelaufen"},{"standardId":"bitv-2","status":"conformant"}]}""")));
        await audit.AppendAsync(new AuditEntry("user-havelsoft", "vendor-havelsoft", "offering.retired", "offering", "gutachterausschuss-havelsoft",
            new JsonObject { ["lifecycle"] = "active" }, new JsonObject { ["lifecycle"] = "retired" }));
        await Notifier.RunOnceAsync();

        var koeln = await NotificationsOfAsync(_host, KoelnAdmin);
        var conformance = About(koeln, "conformance.changed", "gutachterausschuss-havelsoft").ToList();
        Assert.That(conformance, Has.Count.EqualTo(1));
        Assert.That(conformance[0]["body"]!.GetValue<string>(), Does.Contain("dsgvo-avv: abgelaufen").And.Not.Contain("bitv-2"), "only what changed");
        Assert.That(About(koeln, "offering.retired", "gutachterausschuss-havelsoft").Count(), Is.EqualTo(1));
        var muenchen = await NotificationsOfAsync(_host, MuenchenAdmin);
        Assert.That(About(muenchen, "conformance.changed", "gutachterausschuss-havelsoft").Concat(About(muenchen, "offering.retired", "gutachterausschuss-havelsoft")),
            Is.Empty, "München does not subscribe to it");
    }

    [Test]
    public async Task The_search_export_has_every_match_with_a_byte_order_mark_and_semicolons()
    {
        var browser = _host.Browser();
        var search = JsonNode.Parse(await browser.GetStringAsync("/api/v1/offerings?orderable=true,false&pageSize=5"))!;
        var response = await browser.GetAsync("/api/v1/offerings/export.csv?orderable=true,false&page=2&pageSize=5");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(bytes[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("Angebot;Name;Anbieter;"));
        Assert.That(lines.Count(l => l.Contains(";ja;", StringComparison.Ordinal) || l.Contains(";nein;", StringComparison.Ordinal)),
            Is.EqualTo(search["total"]!.GetValue<int>()), "all matches, not one page");
        Assert.That(search["total"]!.GetValue<int>(), Is.GreaterThan(5));
        var refused = await browser.GetAsync("/api/v1/offerings/export.csv?lnad=BY");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("lnad"));
    }

    [Test]
    public async Task A_notification_answers_and_shows_its_time_in_the_stored_form()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var requestId = "request-" + Unique();
        await _host.Services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEntry("user-vendor", "vendor-urkundenwerk", "feature-request.answered",
            "feature-request", requestId, null, new JsonObject { ["offeringId"] = "namenserklaerung-urkundenwerk", ["status"] = "done", ["ags"] = Muenchen }));
        await Notifier.RunOnceAsync();

        var notification = (await NotificationsOfAsync(_host, MuenchenViewer)).Single(n => n!["objectId"]!.GetValue<string>() == requestId)!;
        var createdAt = notification["createdAt"]!.GetValue<string>();

        Assert.That(createdAt, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
        Assert.That(await viewer.GetStringAsync("/benachrichtigungen"), Does.Contain($"<time datetime=\"{createdAt}\">"));
    }

    [Test]
    public async Task The_pages_list_notifications_mark_them_read_and_save_preferences_and_searches()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        await _host.Services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEntry("user-vendor", "vendor-urkundenwerk", "feature-request.answered",
            "feature-request", "request-" + Unique(), null, new JsonObject { ["offeringId"] = "namenserklaerung-urkundenwerk", ["status"] = "done", ["ags"] = Muenchen }));
        await Notifier.RunOnceAsync();
        var home = await viewer.GetStringAsync("/angebote");
        Assert.That(home, Does.Contain("ungelesen"), "the unread count in the header");
        var page = await viewer.GetStringAsync("/benachrichtigungen");
        Assert.That(page, Does.Contain("Antwort auf Ihre Anfrage"));
        var readAll = await IdentityHost.PostFormAsync(viewer, "/benachrichtigungen", [], "ReadAll");
        Assert.That(readAll.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(JsonNode.Parse(await viewer.GetStringAsync("/api/v1/me/notifications/unread-count"))!["unread"]!.GetValue<long>(), Is.EqualTo(0));
        Assert.That(await viewer.GetStringAsync("/angebote"), Does.Not.Contain("ungelesen"));

        var saved = await IdentityHost.PostFormAsync(viewer, "/konto/benachrichtigungen", new()
        {
            ["InApp"] = "order-status", ["Email"] = "invoices", ["Language"] = "en",
        });
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var preferences = JsonNode.Parse(await viewer.GetStringAsync("/api/v1/me/notification-preferences"))!;
        Assert.That(preferences["language"]!.GetValue<string>(), Is.EqualTo("en"));
        var categories = preferences["categories"]!.AsArray().ToDictionary(c => c!["category"]!.GetValue<string>(), c => (c!["inApp"]!.GetValue<bool>(), c["email"]!.GetValue<bool>()));
        Assert.That(categories["order-status"], Is.EqualTo((true, false)));
        Assert.That(categories["invoices"], Is.EqualTo((false, true)));
        Assert.That(categories["conformance"], Is.EqualTo((false, false)));
        await IdentityHost.PostFormAsync(viewer, "/konto/benachrichtigungen", new()
        {
            ["InApp"] = "order-status", ["Email"] = "order-status", ["Language"] = "de",
        });

        var noName = await IdentityHost.PostFormAsync(viewer, "/konto/suche-speichern?query=q%3Dkfz", new() { ["Query"] = "q=kfz", ["Name"] = " " });
        Assert.That(await noName.Content.ReadAsStringAsync(), Does.Contain("href=\"#field-Name\""), "error summary linked to the field");
        var created = await IdentityHost.PostFormAsync(viewer, "/konto/suche-speichern?query=q%3Dkfz", new() { ["Query"] = "q=kfz", ["Name"] = "Kfz-Dienste" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await viewer.GetStringAsync("/konto/benachrichtigungen"), Does.Contain("Kfz-Dienste"));
    }

    /// <summary>München's export (subscriptions or invoices) as its viewer gets it; Köln's buyer-admin gets 404 for it.</summary>
    private async Task<string> MuenchenExportAsync(string list)
    {
        var url = $"/api/v1/municipalities/{Muenchen}/{list}/export.csv";
        var response = await (await _host.SignedInAsync(MuenchenViewer)).GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That((await (await _host.SignedInAsync(KoelnAdmin)).GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another municipality");
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>A new Komuna offering through the conformance portal: drafted, submitted, approved, published.</summary>
    private async Task PublishAsync(string id)
    {
        var offerings = $"/api/v1/vendors/{KomunaVendor}/offerings";
        var editor = await _host.SignedInAsync(KomunaEditor);
        Assert.That((await editor.PostAsync(offerings, Yaml(DraftYaml(id)))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Ok(editor.PostAsync($"{offerings}/{id}/versions/1/submission", null));
        await Ok((await _host.SignedInAsync(Auditor)).PostAsJsonAsync($"/api/v1/reviews/offerings/{id}/versions/1/decision", new { outcome = "pass", reason = "vollständig" }));
        await Ok(editor.PostAsync($"{offerings}/{id}/versions/1/publication", null));

        static async Task Ok(Task<HttpResponseMessage> call)
        {
            var response = await call;
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The subject of a pickup-folder mail, its RFC 2047 encoded words (B or Q, possibly folded) decoded.</summary>
    private static string DecodedSubject(string eml)
    {
        var lines = eml.Split("\r\n");
        var start = Array.FindIndex(lines, l => l.StartsWith("Subject:", StringComparison.Ordinal));
        var header = lines[start][8..] + string.Concat(lines.Skip(start + 1).TakeWhile(l => l.StartsWith(' ') || l.StartsWith('\t')));
        var words = System.Text.RegularExpressions.Regex.Matches(header, @"=\?utf-8\?([BQ])\?([^?]*)\?=", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (words.Count == 0) return header.Trim();
        return string.Concat(words.Select(w => w.Groups[1].Value.ToUpperInvariant() == "B"
            ? Encoding.UTF8.GetString(Convert.FromBase64String(w.Groups[2].Value))
            : Encoding.UTF8.GetString(QuotedPrintable(w.Groups[2].Value.Replace('_', ' ')))));

        static byte[] QuotedPrintable(string text)
        {
            var bytes = new List<byte>();
            for (var i = 0; i < text.Length; i++)
                if (text[i] == '=' && i + 2 < text.Length) { bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16)); i += 2; }
                else bytes.Add((byte)text[i]);
            return [.. bytes];
        }
    }
}
