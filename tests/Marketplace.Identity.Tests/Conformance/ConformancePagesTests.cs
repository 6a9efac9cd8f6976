using Marketplace.Kernel;
using System.Net;
using Marketplace.Conformance;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;

namespace Marketplace.Identity.Tests.Conformance;

/// <summary>The vendor portal, the review pages and the audit trail page, used through their forms as a browser would.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class ConformancePagesTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private Task<OfferingStatusView> ViewAsync(string id) => _host.Services.GetRequiredService<OfferingLifecycle>().StatusViewAsync(KomunaVendor, id);

    private static async Task<string> Html(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), html);
        return html;
    }

    [Test]
    public async Task A_vendor_creates_a_draft_and_submits_it_through_the_forms_and_an_auditor_approves_it_with_a_reason()
    {
        var id = "formular-" + Unique();
        var vendor = await _host.SignedInAsync(KomunaEditor);
        var created = await IdentityHost.PostFormAsync(vendor, "/anbieterportal", new() { ["Descriptor"] = DraftYaml(id, "Hundesteuer per Formular") }, "Create");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location!.ToString(), Does.StartWith($"/anbieterportal/angebote/{id}"));
        Assert.That(await Html(await vendor.GetAsync("/anbieterportal")), Does.Contain("Hundesteuer per Formular"));

        var page = $"/anbieterportal/angebote/{id}";
        Assert.That(await Html(await vendor.GetAsync(page + "?confirm=submit&version=1")), Does.Contain("Zur Prüfung einreichen?"));
        var submitted = await IdentityHost.PostFormAsync(vendor, page + "?confirm=submit&version=1", new() { ["action"] = "submit", ["version"] = "1" }, "Action");
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await submitted.Content.ReadAsStringAsync());
        Assert.That((await ViewAsync(id)).Versions[0].Version.State, Is.EqualTo(VersionStates.Submitted));

        var auditor = await _host.SignedInAsync(Auditor);
        Assert.That(await Html(await auditor.GetAsync("/pruefung")), Does.Contain($"/pruefung/angebote/{id}/1"));
        var review = $"/pruefung/angebote/{id}/1";
        // The vendor by name, in the queue and on the review page.
        Assert.That(await Html(await auditor.GetAsync("/pruefung")), Does.Contain("<td>Komuna Digital GmbH</td>"));
        Assert.That(await Html(await auditor.GetAsync(review)), Does.Contain("Komuna Digital GmbH –").And.Not.Contain("komuna-digital –"));
        var withoutReason = await Html(await IdentityHost.PostFormAsync(auditor, review, new() { ["Outcome"] = "pass", ["Reason"] = "" }, "Decide"));
        Assert.That(withoutReason, Does.Contain("href=\"#field-Reason\""));
        var decided = await IdentityHost.PostFormAsync(auditor, review, new() { ["Outcome"] = "pass", ["Reason"] = "Alle Angaben belegt." }, "Decide");
        Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await decided.Content.ReadAsStringAsync());
        var approved = (await ViewAsync(id)).Versions[0].Version;
        Assert.That((approved.State, approved.DecisionReason), Is.EqualTo((VersionStates.Approved, "Alle Angaben belegt.")));
        Assert.That(await Html(await vendor.GetAsync(page)), Does.Contain("Alle Angaben belegt."));
    }

    [Test]
    public async Task The_core_field_editor_starts_a_new_version_and_the_review_marks_changed_rows_in_text()
    {
        var id = "editor-" + Unique();
        var lifecycle = _host.Services.GetRequiredService<OfferingLifecycle>();
        var actor = new Marketplace.Kernel.Actor("test", null);
        await lifecycle.CreateAsync(actor, KomunaVendor, DraftYaml(id));
        await lifecycle.SubmitAsync(actor, KomunaVendor, id, 1);
        await _host.Services.GetRequiredService<Marketplace.Conformance.Review.AuditorReview>().DecideVersionAsync(actor, id, 1, true, "Gut.");
        await lifecycle.PublishAsync(actor, KomunaVendor, id, 1);

        var vendor = await _host.SignedInAsync(KomunaAdmin);
        var fields = new Dictionary<string, string>
        {
            ["Fields.Name"] = "Hundesteuer für alle", ["Fields.NameEn"] = "Dog tax", ["Fields.Summary"] = "Hunde an- und abmelden.",
            ["Fields.Description"] = "Neu.", ["Fields.Reifegrad"] = "3", ["Fields.HostingLocation"] = "DE", ["Fields.HostingProvider"] = "RZ",
        };
        var invalid = await Html(await IdentityHost.PostFormAsync(vendor, $"/anbieterportal/angebote/{id}", new(fields) { ["Fields.Name"] = "" }, "Fields"));
        Assert.That(invalid, Does.Contain("href=\"#field-Fields.Name\""));
        var saved = await IdentityHost.PostFormAsync(vendor, $"/anbieterportal/angebote/{id}", fields, "Fields");
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await saved.Content.ReadAsStringAsync());
        var versions = (await ViewAsync(id)).Versions;
        Assert.That(versions.Select(v => (v.Version.Version, v.Version.State)), Is.EqualTo(new[] { (2, VersionStates.Draft), (1, VersionStates.Published) }));

        await lifecycle.SubmitAsync(actor, KomunaVendor, id, 2);
        var review = await Html(await (await _host.SignedInAsync(PlatformAdmin)).GetAsync($"/pruefung/angebote/{id}/2"));
        Assert.That(review, Does.Contain("<th scope=\"row\"><code>/name</code></th>"));
        Assert.That(review, Does.Contain("<strong>geändert</strong>"));
        Assert.That(review, Does.Contain("<del>online</del>").And.Contain("<ins>für alle</ins>"), "the changed words, marked on each side");
        Assert.That(review, Does.Not.Contain("\\u00FC").And.Not.Contain("&quot;Hundesteuer"), "text as text, not as a JSON literal");
        Assert.That(review, Does.Not.Contain("handler=Decide"), "platform admins read reviews but do not decide");
    }

    [Test]
    public async Task A_descriptor_with_errors_is_shown_with_line_and_field_in_the_error_summary()
    {
        var vendor = await _host.SignedInAsync(KomunaEditor);
        var html = await Html(await IdentityHost.PostFormAsync(vendor, "/anbieterportal",
            new() { ["Descriptor"] = DraftYaml("fehlerhaft-" + Unique()).Replace("reifegrad: 3", "reifegrad: drei") }, "Create"));
        Assert.That(html, Does.Contain("href=\"#field-Descriptor\""));
        Assert.That(html, Does.Match("Zeile [0-9]+, OZG-Reifegrad: muss eine ganze Zahl sein"));
    }

    [Test]
    public async Task Portal_pages_are_for_their_roles_and_another_vendors_offering_is_not_found()
    {
        var komuna = await _host.SignedInAsync(KomunaEditor);
        var id = "fremd-" + Unique();
        await _host.Services.GetRequiredService<OfferingLifecycle>().CreateAsync(new("test", null), KomunaVendor, DraftYaml(id));
        Assert.That((await (await _host.SignedInAsync(HavelsoftAdmin)).GetAsync($"/anbieterportal/angebote/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        foreach (var (who, page) in new[] { (MuenchenAdmin, "/anbieterportal"), (KomunaEditor, "/pruefung"), (KomunaAdmin, "/pruefung/protokoll") })
        {
            var response = await (await _host.SignedInAsync(who)).GetAsync(page);
            Assert.That(response.Headers.Location?.ToString(), Does.Contain("/konto/kein-zugriff"), $"{who} {page}");
        }
        Assert.That(await Html(await komuna.GetAsync("/anbieterportal")), Does.Contain("href=\"/anbieterportal\"").And.Not.Contain("href=\"/pruefung\""));
        Assert.That(await Html(await (await _host.SignedInAsync(MuenchenAdmin)).GetAsync("/organisation")), Does.Not.Contain("href=\"/anbieterportal\""));
    }

    [Test]
    public async Task The_audit_page_filters_links_the_exports_and_verifies_the_chain()
    {
        var id = "protokoll-" + Unique();
        await _host.Services.GetRequiredService<OfferingLifecycle>().CreateAsync(new("test-protokoll", null), KomunaVendor, DraftYaml(id));
        var auditor = await _host.SignedInAsync(Auditor);
        var html = await Html(await auditor.GetAsync($"/pruefung/protokoll?objectId={id}"));
        Assert.That(html, Does.Contain("offering.created").And.Contain("test-protokoll"));
        Assert.That(html, Does.Contain($"/api/v1/audit/export?objectId={id}&amp;format=csv"));
        Assert.That(await Html(await auditor.GetAsync("/pruefung/protokoll?from=gestern")), Does.Contain("href=\"#field-from\""));
        var verified = await Html(await IdentityHost.PostFormAsync(auditor, "/pruefung/protokoll", new(), "Verify"));
        Assert.That(verified, Does.Contain("Unverändert."));
    }

    [Test]
    public async Task Every_evidence_link_on_the_vendor_portal_and_the_review_page_opens_the_file()
    {
        await WithEvidenceAsync(_host, "");
        var vendor = await _host.SignedInAsync(KomunaEditor);
        var auditor = await _host.SignedInAsync(Auditor);
        var pages = new (HttpClient Client, string Url)[]
        {
            (vendor, $"/anbieterportal/angebote/{MatrixDraft}"),
            (vendor, "/anbieterportal/angebote/meldeportal-komuna"),
            (auditor, "/pruefung/angebote/meldeportal-komuna/1"),
        };
        var links = 0;
        foreach (var (client, url) in pages)
        {
            var html = await Html(await client.GetAsync(url));
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(html, "href=\"(/api/v1/evidence/[^\"]+)\""))
            {
                var file = await client.GetAsync(System.Net.WebUtility.HtmlDecode(link.Groups[1].Value));
                Assert.That(file.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{link.Groups[1].Value} on {url}");
                links++;
            }
        }
        Assert.That(links, Is.GreaterThanOrEqualTo(1), "the uploaded file is linked");
        var seeded = await Html(await vendor.GetAsync("/anbieterportal/angebote/meldeportal-komuna"));
        Assert.That(seeded, Does.Contain("Dokument liegt beim Anbieter"), "seeded attestations name their document without a dead link");
    }
}
