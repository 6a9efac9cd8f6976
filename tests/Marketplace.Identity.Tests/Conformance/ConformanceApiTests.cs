using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Search;
using Marketplace.Conformance;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;

namespace Marketplace.Identity.Tests.Conformance;

/// <summary>The vendor's lifecycle, the auditor's decisions and the audit trail, walked through the HTTP API of the running host.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class ConformanceApiTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        return JsonNode.Parse(body)!;
    }

    private async Task<JsonNode> PostAsync(string who, string url, object? body = null) =>
        await Json(await (await _host.SignedInAsync(who)).PostAsync(url, body is null ? null : JsonContent.Create(body)), HttpStatusCode.OK);

    private async Task<JsonNode> CatalogueAsync(string id)
    {
        await _host.Services.GetRequiredService<CatalogSearchService>().RefreshAsync();
        return await Json(await _host.Browser().GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.OK);
    }

    [Test]
    public async Task A_vendor_drafts_submits_and_publishes_after_approval_and_the_catalogue_shows_each_new_version()
    {
        var id = "hundesteuer-" + Unique();
        var offerings = $"/api/v1/vendors/{KomunaVendor}/offerings";
        var editor = await _host.SignedInAsync(KomunaEditor);
        var created = await Json(await editor.PostAsync(offerings, Yaml(DraftYaml(id))), HttpStatusCode.Created);
        Assert.That((created["version"]!.GetValue<int>(), created["state"]!.GetValue<string>()), Is.EqualTo((1, VersionStates.Draft)));

        Assert.That((await PostAsync(KomunaEditor, $"{offerings}/{id}/versions/1/submission"))["state"]!.GetValue<string>(), Is.EqualTo(VersionStates.Submitted));
        var queue = await Json(await (await _host.SignedInAsync(Auditor)).GetAsync("/api/v1/reviews"), HttpStatusCode.OK);
        var submittedAt = queue.AsArray().Select(i => i!["submittedAt"]!.GetValue<string>()).ToList();
        Assert.That(queue.AsArray().Any(i => i!["offeringId"]!.GetValue<string>() == id), Is.True);
        Assert.That(submittedAt, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "oldest first");
        Assert.That(submittedAt, Has.All.Match(StoredForm), "the stored form");

        var review = await Json(await (await _host.SignedInAsync(Auditor)).GetAsync($"/api/v1/reviews/offerings/{id}/versions/1"), HttpStatusCode.OK);
        Assert.That(review["lastApproved"], Is.Null);
        Assert.That(review["checks"]!.AsArray().Select(c => c!["criterionId"]!.GetValue<string>()), Does.Contain("verarbeitungsort"));

        Assert.That((await PostAsync(Auditor, $"/api/v1/reviews/offerings/{id}/versions/1/decision", new { outcome = "pass", reason = "Beschreibung vollständig." }))
            ["state"]!.GetValue<string>(), Is.EqualTo(VersionStates.Approved));
        Assert.That((await PostAsync(KomunaEditor, $"{offerings}/{id}/versions/1/publication"))["state"]!.GetValue<string>(), Is.EqualTo(VersionStates.Published));

        // Published, but the attested DSGVO criteria have no accepted evidence yet: shown, not orderable.
        var listed = await CatalogueAsync(id);
        Assert.That((listed["version"]!.GetValue<int>(), listed["orderable"]!.GetValue<bool>()), Is.EqualTo((1, false)));

        foreach (var criterion in new[] { "avv-muster", "tom", "unterauftragsverarbeiter" })
        {
            var evidence = await Json(await editor.PostAsync($"{offerings}/{id}/evidence", EvidenceForm(criterion)), HttpStatusCode.Created);
            await PostAsync(Auditor, $"/api/v1/reviews/evidence/{evidence["id"]!.GetValue<string>()}/decision", new { outcome = "pass", reason = "Unterschrieben und aktuell." });
        }
        Assert.That((await CatalogueAsync(id))["orderable"]!.GetValue<bool>(), Is.True);

        // A published version is immutable: a change starts version 2, which the catalogue shows only once it is approved and published.
        var fields = new { name = "Hundesteuer digital", nameEn = "Dog tax digital", summary = "Hunde an- und abmelden, mit Steuermarke.",
            description = "Neu: Steuermarke per Post.", reifegrad = 3, hostingLocation = "DE", hostingProvider = "Kommunales Rechenzentrum" };
        var v2 = await Json(await editor.PatchAsync($"{offerings}/{id}/draft", JsonContent.Create(fields)), HttpStatusCode.OK);
        Assert.That((v2["version"]!.GetValue<int>(), v2["state"]!.GetValue<string>()), Is.EqualTo((2, VersionStates.Draft)));
        await PostAsync(KomunaEditor, $"{offerings}/{id}/versions/2/submission");
        var diff = await Json(await (await _host.SignedInAsync(Auditor)).GetAsync($"/api/v1/reviews/offerings/{id}/versions/2"), HttpStatusCode.OK);
        Assert.That(diff["lastApproved"]!["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(diff["changes"]!.AsArray().Select(c => c!["path"]!.GetValue<string>()), Is.SupersetOf(new[] { "/name", "/summary", "/description" }));
        Assert.That((await CatalogueAsync(id))["name"]!.GetValue<string>(), Is.EqualTo("Hundesteuer online"));
        await PostAsync(Auditor, $"/api/v1/reviews/offerings/{id}/versions/2/decision", new { outcome = "pass", reason = "Nur Texte geändert." });
        await PostAsync(KomunaAdmin, $"{offerings}/{id}/versions/2/publication");
        var shown = await CatalogueAsync(id);
        Assert.That((shown["version"]!.GetValue<int>(), shown["name"]!.GetValue<string>()), Is.EqualTo((2, "Hundesteuer digital")));

        var detail = await Json(await editor.GetAsync($"{offerings}/{id}"), HttpStatusCode.OK);
        Assert.That(detail["versions"]!.AsArray().Select(v => v!["version"]!["state"]!.GetValue<string>()),
            Is.EqualTo(new[] { VersionStates.Published, VersionStates.Superseded }));
        Assert.That(detail["versions"]![0]!["version"]!["publishedAt"]!.GetValue<string>(), Does.Match(StoredForm));
    }

    private const string StoredForm = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$";

    [Test]
    public async Task Another_vendors_offering_answers_404_and_only_auditors_decide()
    {
        var id = "denial-" + Unique();
        var offerings = $"/api/v1/vendors/{KomunaVendor}/offerings";
        await Json(await (await _host.SignedInAsync(KomunaAdmin)).PostAsync(offerings, Yaml(DraftYaml(id))), HttpStatusCode.Created);
        await PostAsync(KomunaAdmin, $"{offerings}/{id}/versions/1/submission");

        var havelsoft = await _host.SignedInAsync(HavelsoftAdmin);
        // Through its own vendor route too: the offering is not Havelsoft's, and it cannot tell whether it exists.
        foreach (var url in new[] { $"{offerings}/{id}", $"/api/v1/vendors/havelsoft/offerings/{id}", $"/api/v1/vendors/havelsoft/offerings/no-such-offering" })
            Assert.That((await havelsoft.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
        Assert.That((await havelsoft.PostAsync($"/api/v1/vendors/havelsoft/offerings/{id}/versions/1/withdraw", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var decision = new { outcome = "pass", reason = "Selbst geprüft." };
        foreach (var who in new[] { KomunaAdmin, KomunaEditor, PlatformAdmin })
            Assert.That((await (await _host.SignedInAsync(who)).PostAsJsonAsync($"/api/v1/reviews/offerings/{id}/versions/1/decision", decision)).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), who);
        var withoutReason = await Json(await (await _host.SignedInAsync(Auditor)).PostAsJsonAsync($"/api/v1/reviews/offerings/{id}/versions/1/decision",
            new { outcome = "pass", reason = " " }), HttpStatusCode.BadRequest);
        Assert.That(withoutReason["errors"]!["reason"], Is.Not.Null);

        // Never approved: not in the catalogue, and the engine refuses to call it orderable.
        var orderability = await _host.Services.GetRequiredService<OfferingLifecycle>().OrderabilityAsync(id);
        Assert.That(orderability.Orderable, Is.False);
        Assert.That((await _host.Browser().GetAsync($"/api/v1/offerings/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task Refusals_answer_in_the_request_language_with_their_codes(string language)
    {
        var en = language.StartsWith("en");
        async Task<JsonNode> AskAsync(string who, HttpMethod method, string url, HttpContent? content, HttpStatusCode expected)
        {
            var request = new HttpRequestMessage(method, url) { Content = content };
            request.Headers.AcceptLanguage.ParseAdd(language);
            return await Json(await (await _host.SignedInAsync(who)).SendAsync(request), expected);
        }
        var id = "sprache-" + Unique();
        var offerings = $"/api/v1/vendors/{KomunaVendor}/offerings";
        await AskAsync(KomunaAdmin, HttpMethod.Post, offerings, Yaml(DraftYaml(id)), HttpStatusCode.Created);

        // A draft is not in review: withdrawing it is a conflict.
        var conflict = await AskAsync(KomunaAdmin, HttpMethod.Post, $"{offerings}/{id}/versions/1/withdraw", null, HttpStatusCode.Conflict);
        Assert.That(((string?)conflict["title"], (string?)conflict["detail"]), Is.EqualTo(en
            ? ("Not possible in the current state", "Version 1 is 'draft'; expected: submitted, approved.")
            : ("Im jetzigen Zustand nicht möglich", "Version 1 ist „draft“; erwartet: submitted, approved.")));
        // The same id again: refused at the field.
        var taken = await AskAsync(KomunaAdmin, HttpMethod.Post, offerings, Yaml(DraftYaml(id)), HttpStatusCode.BadRequest);
        Assert.That(((string?)taken["codes"]!["/id"]![0], (string?)taken["errors"]!["/id"]![0]),
            Is.EqualTo(("offering.id-taken", en ? $"The id '{id}' is taken." : $"Die Kennung „{id}“ ist vergeben.")));
        var missing = await AskAsync(Auditor, HttpMethod.Get, $"/api/v1/reviews/offerings/{id}/versions/7", null, HttpStatusCode.NotFound);
        Assert.That(((string?)missing["title"], (string?)missing["detail"]),
            Is.EqualTo(en ? ("Not found", $"There is no version 7 of '{id}'.") : ("Nicht gefunden", $"Es gibt keine Version 7 von „{id}“.")));
        var limit = await AskAsync(Auditor, HttpMethod.Get, "/api/v1/audit?limit=0", null, HttpStatusCode.BadRequest);
        Assert.That(((string?)limit["codes"]!["limit"]![0], (string?)limit["errors"]!["limit"]![0]), Is.EqualTo(("page.limit", en ? "between 1 and 500" : "zwischen 1 und 500")));
    }

    [Test]
    public async Task A_descriptor_upload_with_errors_names_each_field_and_its_line()
    {
        var yaml = DraftYaml("fehler-" + Unique()).Replace("reifegrad: 3", "reifegrad: drei").Replace("location: DE", "location: XX");
        var problem = await Json(await (await _host.SignedInAsync(KomunaEditor)).PostAsync($"/api/v1/vendors/{KomunaVendor}/offerings?fileName=hund.yaml", Yaml(yaml)),
            HttpStatusCode.BadRequest);
        var reifegrad = problem["problems"]!.AsArray().Single(p => p!["field"]!.GetValue<string>() == "/reifegrad")!;
        Assert.That(reifegrad["line"]!.GetValue<int>(), Is.EqualTo(yaml.Split('\n').ToList().FindIndex(l => l.StartsWith("reifegrad")) + 1));
        Assert.That(problem["errors"]!["/reifegrad"]![0]!.GetValue<string>(), Does.StartWith($"Zeile {reifegrad["line"]}:"));
    }

    [Test]
    public async Task Evidence_without_an_issuer_or_with_a_bad_date_is_refused_naming_the_field()
    {
        var editor = await _host.SignedInAsync(KomunaEditor);
        var url = $"/api/v1/vendors/{KomunaVendor}/offerings/{await EnsureMatrixDraftAsync(_host, MatrixDraft)}/evidence";
        var noIssuer = await Json(await editor.PostAsync(url, EvidenceForm(issuer: " ")), HttpStatusCode.BadRequest);
        Assert.That(noIssuer["errors"]!["issuer"], Is.Not.Null);
        var badDate = await Json(await editor.PostAsync(url, EvidenceForm(expiresOn: "31.12.2027")), HttpStatusCode.BadRequest);
        Assert.That(badDate["errors"]!["expiresOn"], Is.Not.Null);
    }

    [Test]
    public async Task An_evidence_file_uploaded_as_html_is_downloaded_as_an_attachment_of_no_runnable_type()
    {
        var editor = await _host.SignedInAsync(KomunaEditor);
        var url = $"/api/v1/vendors/{KomunaVendor}/offerings/{await EnsureMatrixDraftAsync(_host, MatrixDraft)}/evidence";
        var html = System.Text.Encoding.UTF8.GetBytes("<html><script>fetch('/api/v1/organisations/me')</script></html>");
        var created = await Json(await editor.PostAsync(url, EvidenceForm(file: html, contentType: "text/html", fileName: "avv.html")), HttpStatusCode.Created);

        foreach (var reader in new[] { KomunaEditor, Auditor })
        {
            var response = await (await _host.SignedInAsync(reader)).GetAsync($"/api/v1/evidence/{created["id"]!.GetValue<string>()}/file");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/octet-stream"));
            Assert.That(response.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(html));
        }
    }

    [Test]
    public async Task The_audit_trail_filters_exports_and_verifies()
    {
        var id = "audit-" + Unique();
        await Json(await (await _host.SignedInAsync(KomunaEditor)).PostAsync($"/api/v1/vendors/{KomunaVendor}/offerings", Yaml(DraftYaml(id))), HttpStatusCode.Created);
        var auditor = await _host.SignedInAsync(Auditor);

        var entries = await Json(await auditor.GetAsync($"/api/v1/audit?objectType=offering&objectId={id}"), HttpStatusCode.OK);
        var created = entries.AsArray().Single()!;
        Assert.That(created["action"]!.GetValue<string>(), Is.EqualTo("offering.created"));
        var user = created["actorUserId"]!.GetValue<string>();
        var byUser = await Json(await auditor.GetAsync($"/api/v1/audit?userId={user}&organisationId={created["actorOrganisationId"]}&from=2000-01-01"), HttpStatusCode.OK);
        Assert.That(byUser.AsArray().Select(e => e!["actorUserId"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { user }));
        Assert.That((await Json(await auditor.GetAsync($"/api/v1/audit?objectId={id}&to=2000-01-01"), HttpStatusCode.OK)).AsArray(), Is.Empty);
        Assert.That((await Json(await auditor.GetAsync("/api/v1/audit?from=gestern"), HttpStatusCode.BadRequest))["errors"]!["from"], Is.Not.Null);

        var csv = await auditor.GetAsync($"/api/v1/audit/export?format=csv&objectId={id}");
        Assert.That(csv.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("seq,occurred_at,actor_user_id"));
        Assert.That(lines.Skip(1).Single(), Does.Contain($",offering.created,offering,{id},"));
        Assert.That((await Json(await auditor.GetAsync("/api/v1/audit/export?format=xml"), HttpStatusCode.BadRequest))["errors"]!["format"], Is.Not.Null);
        var json = JsonNode.Parse(await (await auditor.GetAsync($"/api/v1/audit/export?format=json&objectId={id}")).Content.ReadAsStringAsync())!.AsArray();
        Assert.That(json.Single()!["after"]!["version"]!.GetValue<int>(), Is.EqualTo(1));

        var verification = await Json(await auditor.GetAsync("/api/v1/audit/verification"), HttpStatusCode.OK);
        Assert.That(verification["intact"]!.GetValue<bool>(), Is.True, verification.ToJsonString());
    }

    [Test]
    public async Task The_verification_endpoint_names_the_entry_someone_altered_in_the_table()
    {
        // Its own host: the shared one must keep an intact chain.
        await using var host = await IdentityHost.StartAsync(engine);
        var client = await host.SignedInAsync(PlatformAdmin);
        var before = await Json(await client.GetAsync("/api/v1/audit/verification"), HttpStatusCode.OK);
        Assert.That(before["intact"]!.GetValue<bool>(), Is.True, before.ToJsonString());
        var entries = before["entries"]!.GetValue<long>();
        Assert.That(entries, Is.GreaterThan(2));

        var altered = entries / 2;
        await using (var c = await host.Database.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE audit_log SET actor_user_id = 'jemand-anderes' WHERE seq = @seq", new { seq = altered });
        var after = await Json(await client.GetAsync("/api/v1/audit/verification"), HttpStatusCode.OK);
        Assert.That((after["intact"]!.GetValue<bool>(), after["firstBadEntry"]!.GetValue<long>()), Is.EqualTo((false, altered)));
        Assert.That(after["problem"]!.GetValue<string>(), Does.StartWith("altered"));
    }
}
