using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Notifications.Notifier;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>
/// A vendor's change of sub-processors is a new offering version, reviewed like any other; on its publication every
/// subscribed municipality hears of it with the objection period the descriptor states and the day it takes effect.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class SubProcessorChangeTests(DatabaseEngine engine)
{
    internal const string Offering = "gutachterausschuss-havelsoft";
    internal const string Vendor = "havelsoft";
    private IdentityHost _host = null!;
    private AuditNotifier Notifier => _host.Services.GetRequiredService<AuditNotifier>();

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { ["Instance:Role"] = "web" });
        await Notifier.RunOnceAsync();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    internal static string SeedYaml => File.ReadAllText(Path.Combine(RepoPaths.Catalog, "offerings", Offering + ".yaml"));

    private Task<int> PublishAsync(string yaml) => PublishAsync(_host, yaml);

    /// <summary>Uploads the descriptor as the next draft, has it reviewed and publishes it; returns the version.</summary>
    internal static async Task<int> PublishAsync(IdentityHost host, string yaml)
    {
        var vendor = await host.SignedInAsync(HavelsoftAdmin);
        var url = $"/api/v1/vendors/{Vendor}/offerings/{Offering}";
        var draft = await vendor.PutAsync(url + "/draft", Yaml(yaml));
        var body = await draft.Content.ReadAsStringAsync();
        Assert.That(draft.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var version = JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
        await Ok(vendor.PostAsync($"{url}/versions/{version}/submission", null));
        await Ok((await host.SignedInAsync(Auditor)).PostAsJsonAsync($"/api/v1/reviews/offerings/{Offering}/versions/{version}/decision",
            new { outcome = "pass", reason = "Unterauftragsverarbeiter geprüft" }));
        await Ok(vendor.PostAsync($"{url}/versions/{version}/publication", null));
        return version;

        static async Task Ok(Task<HttpResponseMessage> call)
        {
            var response = await call;
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task Publishing_changed_sub_processors_notifies_subscribers_with_the_objection_period()
    {
        // Opened to every Land first (a version of its own), so that München can subscribe.
        var everywhere = SeedYaml.Replace("laender: [\"BB\", \"MV\", \"SN\", \"ST\", \"TH\"]", "laender: [\"*\"]");
        Assert.That(everywhere, Is.Not.EqualTo(SeedYaml));
        await PublishAsync(everywhere);
        await _host.Services.GetRequiredService<OrderService>().PlaceAsync(NotificationTests.Muenchen, "user-muenchen", "subproc-" + Unique(),
            new OrderRequest(Offering, "geschaeftsstelle", [], new JsonObject
                { ["behoerde"] = "Gutachterausschuss München", ["kontaktEmail"] = "gaa@muenchen.example", ["landkreis"] = "München" }));
        await Notifier.RunOnceAsync();
        var before = NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, MuenchenAdmin), "offering.subprocessors-changed").Count();
        Assert.That(before, Is.Zero, "a version without a change of sub-processors announces none");

        var changed = everywhere.Replace("    - name: \"Sendinblue GmbH (Brevo)\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: DE\n      land: BE\n",
            "    - name: \"Mailjet SAS\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: FR\n");
        Assert.That(changed, Is.Not.EqualTo(everywhere));
        var version = await PublishAsync(changed);
        await Notifier.RunOnceAsync();

        var notes = NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, MuenchenAdmin), "offering.subprocessors-changed", Offering).ToList();
        Assert.That(notes, Has.Count.EqualTo(1));
        var text = notes[0]!.ToJsonString();
        Assert.That(text, Does.Contain("Mailjet SAS (FR)").And.Contain("Sendinblue").And.Contain("30 Tagen").And.Contain($"Version {version}"));
        Assert.That(NotificationTests.About(await NotificationTests.NotificationsOfAsync(_host, KoelnAdmin), "offering.subprocessors-changed"), Is.Empty,
            "a municipality without a subscription hears nothing");

        var page = await (await _host.SignedInAsync(MuenchenAdmin)).GetStringAsync($"/angebote/{Offering}");
        Assert.That(page, Does.Contain("id=\"subprocessor-history\"").And.Contain("Sendinblue GmbH (Brevo)").And.Contain("Mailjet SAS"));
    }

    [Test]
    public async Task A_descriptor_upload_with_a_bad_residency_value_is_a_problem_naming_the_field()
    {
        var yaml = SeedYaml.Replace("    level: none\n", "    level: manchmal\n").Replace("  backupStorage: { country: DE, land: BW }", "  backupStorage: { country: DE }");
        Assert.That(yaml, Is.Not.EqualTo(SeedYaml));
        var response = await (await _host.SignedInAsync(HavelsoftAdmin)).PutAsync($"/api/v1/vendors/{Vendor}/offerings/{Offering}/draft", Yaml(yaml));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Has.Some.EqualTo("/hosting/thirdCountryAccess/level").And.Some.EqualTo("/hosting/backupStorage"), body);
    }
}
