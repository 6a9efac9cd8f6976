using Marketplace.Catalog.Municipalities;
using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Residency;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Residency;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;
using static Marketplace.Identity.Tests.DenialMatrix;
using static Marketplace.Identity.Tests.Notifications.SubProcessorChangeTests;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>
/// A sub-processor change takes effect only after the objection period: until then the previous list is in force and the
/// change is shown as pending with its effective day. Within the period a subscribed municipality's buyer-admin objects
/// with a reason (audited, shown to the vendor); anyone else, and anyone after the period, is refused naming the field.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class SubProcessorObjectionTests(DatabaseEngine engine)
{
    private const string Muenchen = NotificationTests.Muenchen;
    private const string Koeln = NotificationTests.Koeln;
    private IdentityHost _host = null!;
    private int _version;
    private string _subscription = "";

    /// <summary>The real clock moved by an offset: "the objection period is over" without waiting for it.</summary>
    internal sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { ["Instance:Role"] = "web" });
        var everywhere = SeedYaml.Replace("laender: [\"BB\", \"MV\", \"SN\", \"ST\", \"TH\"]", "laender: [\"*\"]");
        await PublishAsync(_host, everywhere);
        await _host.Services.GetRequiredService<OrderService>().PlaceAsync(Muenchen, "user-muenchen", "objection-" + Unique(),
            new OrderRequest(Offering, "geschaeftsstelle", [], new JsonObject
                { ["behoerde"] = "Gutachterausschuss München", ["kontaktEmail"] = "gaa@muenchen.example", ["landkreis"] = "München" }));
        _subscription = (await _host.Services.GetRequiredService<SubscriptionService>().ListAsync(Muenchen)).Single(s => s.OfferingId == Offering).Id;
        _version = await PublishAsync(_host, everywhere.Replace(
            "    - name: \"Sendinblue GmbH (Brevo)\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: DE\n      land: BE\n",
            "    - name: \"Mailjet SAS\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: FR\n"));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private SubProcessorHistory HistoryAt(TimeSpan offset) => new(_host.Database.Database, new ShiftedClock(offset));

    [Test]
    public async Task A_change_stays_pending_with_its_effective_day_until_the_objection_period_ends()
    {
        var status = JsonNode.Parse(await _host.Browser().GetStringAsync($"/api/v1/offerings/{Offering}/sub-processors"))!;
        var inForce = status["inForce"]!.AsArray().Select(s => (string)s!["name"]!).ToList();
        Assert.That(inForce, Does.Contain("Sendinblue GmbH (Brevo)").And.Not.Contain("Mailjet SAS"), "the announced list is not yet in force");
        var pending = status["pending"]!.AsArray().Single()!;
        Assert.That((int)pending["version"]!, Is.EqualTo(_version));
        var published = DateTimeOffset.Parse((string)pending["publishedAt"]!);
        Assert.That(DateTimeOffset.Parse((string)pending["effectiveAt"]!), Is.EqualTo(published.AddDays(30)));
        Assert.That((string)pending["effectiveFrom"]!, Is.EqualTo(published.AddDays(30).UtcDateTime.ToString("yyyy-MM-dd")));

        var page = await (await _host.SignedInAsync(MuenchenAdmin)).GetStringAsync($"/angebote/{Offering}");
        var table = page[page.IndexOf("id=\"subprocessors\"", StringComparison.Ordinal)..page.IndexOf("</table>", page.IndexOf("id=\"subprocessors\"", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.That(table, Does.Contain("Sendinblue GmbH (Brevo)").And.Not.Contain("Mailjet SAS"));
        Assert.That(page, Does.Contain($"id=\"pending-{_version}\"").And.Contain("Mailjet SAS"));

        // A day before the end of the period the change is still pending; after it, the new list is in force and nothing is pending.
        var before = await HistoryAt(TimeSpan.FromDays(29)).ForOfferingAsync(Offering);
        Assert.That(before.Pending.Select(c => c.Version), Is.EqualTo(new[] { _version }));
        var after = await HistoryAt(TimeSpan.FromDays(31)).ForOfferingAsync(Offering);
        Assert.That(after.Pending, Is.Empty);
        Assert.That(after.InForce.Select(s => s.Name), Does.Contain("Mailjet SAS").And.Not.Contain("Sendinblue GmbH (Brevo)"));
        Assert.That(after.History.Single(c => c.Version == _version).Pending, Is.False);
    }

    [Test]
    public async Task A_buyer_admin_objects_on_the_subscription_page_and_the_vendor_sees_the_objection()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var pageUrl = $"/gemeinden/{Muenchen}/abonnements/{_subscription}";
        var page = await admin.GetStringAsync(pageUrl);
        Assert.That(page, Does.Contain("id=\"subprocessor-history\"").And.Contain($"id=\"pending-{_version}\"").And.Contain("id=\"objection-form\""));
        Assert.That(await (await _host.SignedInAsync(MuenchenViewer)).GetStringAsync(pageUrl), Does.Not.Contain("id=\"objection-form\""),
            "a viewer sees the change but cannot object");

        var missing = await IdentityHost.PostFormAsync(admin, pageUrl, new() { ["ObjectionVersion"] = _version.ToString(), ["ObjectionReason"] = " " }, "Object");
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.OK), missingHtml);
        Assert.That(missingHtml, Does.Contain("href=\"#field-ObjectionReason\"").And.Contain("id=\"field-ObjectionReason-error\""));

        const string reason = "Mailjet SAS ist in unserem Verarbeitungsverzeichnis nicht geprüft; die Datenschutzbeauftragte stimmt nicht zu.";
        var posted = await IdentityHost.PostFormAsync(admin, pageUrl, new() { ["ObjectionVersion"] = _version.ToString(), ["ObjectionReason"] = reason }, "Object");
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await posted.Content.ReadAsStringAsync());
        page = await admin.GetStringAsync(pageUrl);
        Assert.That(page, Does.Contain("id=\"objections\"").And.Contain("Mailjet SAS ist in unserem Verarbeitungsverzeichnis nicht geprüft"));
        Assert.That(page, Does.Not.Contain("id=\"objection-form\""), "one objection per change");

        var again = await admin.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections",
            new { offeringId = Offering, version = _version, reason = "noch einmal" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Errors(await again.Content.ReadAsStringAsync()), Does.ContainKey("version"));

        await using (var c = await _host.Database.Database.OpenAsync())
        {
            var audited = await c.QueryAsync<string>("SELECT after_json FROM audit_log WHERE action = 'subprocessor.objection' AND object_id = @id",
                new { id = Offering });
            Assert.That(audited.Single(), Does.Contain(Muenchen).And.Contain("Datenschutzbeauftragte"));
        }

        var vendor = await _host.SignedInAsync(HavelsoftAdmin);
        var objections = JsonNode.Parse(await vendor.GetStringAsync($"/api/v1/vendors/{Vendor}/offerings/{Offering}/sub-processor-objections"))!.AsArray();
        Assert.That(objections.Select(o => (string)o!["municipalityAgs"]!), Is.EqualTo(new[] { Muenchen }));
        Assert.That((string)objections[0]!["reason"]!, Is.EqualTo(reason));
        Assert.That(await vendor.GetStringAsync($"/anbieterportal/angebote/{Offering}"), Does.Contain("id=\"objections\"").And.Contain("Mailjet SAS ist in unserem"));
        var other = await (await _host.SignedInAsync(KomunaAdmin)).GetAsync($"/api/v1/vendors/{Vendor}/offerings/{Offering}/sub-processor-objections");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a vendor sees only its own offerings' objections");
        var notOwn = await (await _host.SignedInAsync(KomunaAdmin)).GetAsync($"/api/v1/vendors/komuna-digital/offerings/{Offering}/sub-processor-objections");
        Assert.That(notOwn.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nor another vendor's offering under its own name");
    }

    [Test]
    public async Task An_objection_is_refused_to_a_non_subscriber_another_municipality_a_viewer_and_after_the_period()
    {
        var body = new { offeringId = Offering, version = _version, reason = "Wir widersprechen." };
        var koeln = await _host.SignedInAsync(KoelnAdmin);
        var english = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Koeln}/sub-processor-objections") { Content = JsonContent.Create(body) };
        english.Headers.AcceptLanguage.ParseAdd("en-GB");
        var notSubscribed = await koeln.SendAsync(english);
        var text = await notSubscribed.Content.ReadAsStringAsync();
        Assert.That(notSubscribed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(Errors(text)["offeringId"], Does.Contain("no subscription to this offering"));

        Assert.That((await koeln.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections", body)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "another municipality learns nothing about München");
        Assert.That((await (await _host.SignedInAsync(MuenchenViewer)).PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections", body)).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));

        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var noChange = await admin.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections", body with { version = _version - 1 });
        Assert.That(Errors(await noChange.Content.ReadAsStringAsync())["version"], Does.Contain($"Version {_version - 1} ändert die Unterauftragsverarbeiter nicht"));
        var noReason = await admin.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections", body with { reason = "" });
        Assert.That(Errors(await noReason.Content.ReadAsStringAsync()), Does.ContainKey("reason"));

        var shifted = new ShiftedClock(TimeSpan.FromDays(31));
        var late = new SubProcessorObjections(_host.Database.Database, _host.Services.GetRequiredService<AuditTrail>(), new SubProcessorHistory(_host.Database.Database, shifted),
            _host.Services.GetRequiredService<MunicipalityDirectory>(), shifted, _host.Services.GetRequiredService<IStringLocalizerFactory>());
        RequestValidationException? refused = null;
        try
        {
            await late.ObjectAsync(Muenchen, "user-muenchen", new ObjectionRequest(Offering, _version, "zu spät"));
        }
        catch (RequestValidationException e)
        {
            refused = e;
        }
        Assert.That(refused, Is.Not.Null, "an objection after the period is refused");
        Assert.That(refused!.Errors.Single().Field, Is.EqualTo("version"));
        Assert.That(refused.Errors.Single().Message, Does.Contain("Widerspruchsfrist"));
    }

    [Test]
    public async Task The_public_offering_and_the_comparison_name_the_sub_processors_in_force_and_show_the_pending_change_apart()
    {
        var browser = _host.Browser();
        var effectiveFrom = (string)JsonNode.Parse(await browser.GetStringAsync($"/api/v1/offerings/{Offering}/sub-processors"))!["pending"]![0]!["effectiveFrom"]!;

        var offering = JsonNode.Parse(await browser.GetStringAsync($"/api/v1/offerings/{Offering}"))!;
        Assert.That(Names(offering["hosting"]!["subProcessors"]), Does.Contain("Sendinblue GmbH (Brevo)").And.Not.Contain("Mailjet SAS"),
            "the offering names the list in force, not the announced one");
        var pending = offering["pendingSubProcessorChanges"]!.AsArray().Single()!;
        Assert.That((int)pending["version"]!, Is.EqualTo(_version));
        Assert.That(Names(pending["added"]), Is.EqualTo(new[] { "Mailjet SAS" }));
        Assert.That(Names(pending["removed"]), Is.EqualTo(new[] { "Sendinblue GmbH (Brevo)" }));
        Assert.That((string)pending["effectiveFrom"]!, Is.EqualTo(effectiveFrom));

        var comparison = JsonNode.Parse(await browser.GetStringAsync("/api/v1/leistungen/10522"))!;
        var row = comparison["offerings"]!.AsArray().Single(r => (string)r!["offering"]!["id"]! == Offering)!;
        Assert.That(Names(row["hosting"]!["subProcessors"]), Does.Contain("Sendinblue GmbH (Brevo)").And.Not.Contain("Mailjet SAS"));
        Assert.That(row["pendingSubProcessorChanges"]!.AsArray().Select(c => (int)c!["version"]!), Is.EqualTo(new[] { _version }));

        var page = await browser.GetStringAsync("/leistungen/10522");
        var start = page.IndexOf($"data-subprocessors=\"{Offering}\"", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "the comparison shows the offering's sub-processors");
        var cell = page[start..page.IndexOf("</td>", start, StringComparison.Ordinal)];
        Assert.That(cell, Does.Contain("Sendinblue GmbH (Brevo)").And.Not.Contain("Mailjet SAS"));
        Assert.That(cell, Does.Contain($"data-pending=\"{_version}\""), "the announced change is shown beside the list in force");
    }

    [Test]
    public async Task A_buyer_admin_withdraws_the_municipalitys_own_objection_while_the_change_is_pending_and_no_one_else_may()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var objections = $"/api/v1/municipalities/{Muenchen}/sub-processor-objections";
        var view = $"/api/v1/municipalities/{Muenchen}/subscriptions/{_subscription}/sub-processors";
        var pageUrl = $"/gemeinden/{Muenchen}/abonnements/{_subscription}";
        // The other tests of this fixture may have objected already: that objection is withdrawn here and lodged again at the end.
        var existing = await OwnObjectionAsync(admin, view);
        var reason = existing?.Reason ?? "Mailjet SAS ist nicht geprüft.";
        var id = existing?.Id ?? await ObjectAsync(admin, reason);

        var koeln = await _host.SignedInAsync(KoelnAdmin);
        Assert.That((await koeln.DeleteAsync($"{objections}/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Köln learns nothing about München");
        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/{Koeln}/sub-processor-objections/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "nor withdraws München's objection under its own name");
        var english = new HttpRequestMessage(HttpMethod.Delete, $"{objections}/{id}");
        english.Headers.AcceptLanguage.ParseAdd("en-GB");
        var viewer = await (await _host.SignedInAsync(MuenchenViewer)).SendAsync(english);
        Assert.That(viewer.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((int)JsonNode.Parse(await viewer.Content.ReadAsStringAsync())!["status"]!, Is.EqualTo(403), "a problem, not an empty refusal");
        Assert.That((await (await _host.SignedInAsync(HavelsoftAdmin)).DeleteAsync($"{objections}/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "the vendor cannot make an objection go away");

        var shifted = new ShiftedClock(TimeSpan.FromDays(31));
        var late = new SubProcessorObjections(_host.Database.Database, _host.Services.GetRequiredService<AuditTrail>(), new SubProcessorHistory(_host.Database.Database, shifted),
            _host.Services.GetRequiredService<MunicipalityDirectory>(), shifted, _host.Services.GetRequiredService<IStringLocalizerFactory>());
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => late.WithdrawAsync(Muenchen, "user-muenchen", id));
        Assert.That(refused!.Errors.Single().Field, Is.EqualTo("version"));
        Assert.That(refused.Errors.Single().Message, Does.Contain("wirksam").And.Contain("nicht mehr zurückgenommen"));
        // The API words the refusal by its code in the request's language (ProblemLanguageTests covers the wording path).
        Assert.That(refused.Errors.Single().Code, Is.EqualTo("objection.withdraw-too-late"));
        var texts = _host.Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizerFactory>().Create("SharedResource", "Marketplace.Web");
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        try
        {
            Assert.That(CodedProblems.Word(texts, refused.Errors.Single().Code, refused.Errors.Single().Args, "-"), Does.Contain("can no longer be withdrawn"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
        Assert.That((await OwnObjectionAsync(admin, view))?.Id, Is.EqualTo(id), "every refusal left the objection in place");

        var page = await admin.GetStringAsync(pageUrl);
        Assert.That(page, Does.Contain($"id=\"objection-{id}\"").And.Contain("handler=Withdraw"));
        Assert.That(await (await _host.SignedInAsync(MuenchenViewer)).GetStringAsync(pageUrl), Does.Not.Contain("handler=Withdraw"), "a viewer cannot withdraw");

        var withdrawn = await admin.DeleteAsync($"{objections}/{id}");
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await withdrawn.Content.ReadAsStringAsync());
        Assert.That(await OwnObjectionAsync(admin, view), Is.Null);
        await using (var c = await _host.Database.Database.OpenAsync())
        {
            var audited = await c.QueryAsync<string>("SELECT before_json FROM audit_log WHERE action = 'subprocessor.objection-withdrawn' AND object_id = @offering",
                new { offering = Offering });
            Assert.That(string.Join("\n", audited), Does.Contain(id).And.Contain(Muenchen), "the withdrawal is audited with the objection it withdrew");
        }

        // Withdrawn, the municipality may object again within the period, and withdraw on the page.
        var again = await ObjectAsync(admin, reason);
        var posted = await IdentityHost.PostFormAsync(admin, $"{pageUrl}?objectionId={again}", new(), "Withdraw");
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await posted.Content.ReadAsStringAsync());
        Assert.That(await OwnObjectionAsync(admin, view), Is.Null);

        if (existing is not null) await ObjectAsync(admin, existing.Reason);
    }

    private sealed record OwnObjection(string Id, string Reason);

    private async Task<OwnObjection?> OwnObjectionAsync(HttpClient client, string view) =>
        JsonNode.Parse(await client.GetStringAsync(view))!["objections"]!.AsArray().Where(o => (int)o!["version"]! == _version)
            .Select(o => new OwnObjection((string)o!["id"]!, (string)o["reason"]!)).SingleOrDefault();

    private async Task<string> ObjectAsync(HttpClient admin, string reason)
    {
        var created = await admin.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections", new { offeringId = Offering, version = _version, reason });
        var body = await created.Content.ReadAsStringAsync();
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        return (string)JsonNode.Parse(body)!["id"]!;
    }

    private static List<string> Names(JsonNode? list) => list!.AsArray().Select(s => (string)s!["name"]!).ToList();

    [Test]
    public async Task A_bad_sub_processor_in_an_upload_is_a_problem_naming_its_path()
    {
        var yaml = SeedYaml.Replace("      land: BE\n  objectionPeriodDays: 30", "      land: BE\n    - name: \"Mailjet SAS\"\n      purpose: \"E-Mail\"\n      country: Frankreich\n  objectionPeriodDays: 400");
        Assert.That(yaml, Is.Not.EqualTo(SeedYaml));
        var response = await (await _host.SignedInAsync(HavelsoftAdmin)).PutAsync($"/api/v1/vendors/{Vendor}/offerings/{Offering}/draft", Yaml(yaml));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(Errors(body).Keys, Is.EquivalentTo(new[] { "/hosting/subProcessors/2/country", "/hosting/objectionPeriodDays" }), body);
    }

    private static Dictionary<string, string> Errors(string problem) =>
        JsonNode.Parse(problem)!["errors"]!.AsObject().ToDictionary(e => e.Key, e => string.Join(" ", e.Value!.AsArray().Select(m => (string)m!)));
}
