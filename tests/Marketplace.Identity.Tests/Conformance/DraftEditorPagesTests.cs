using Marketplace.Kernel;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;

namespace Marketplace.Identity.Tests.Conformance;

/// <summary>
/// The vendor portal's core-field editor, used as a browser uses it: every catalogue offering comes back from the form
/// unchanged, and what the schema refuses is said in the page's language at the field, by the field's label.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public partial class DraftEditorPagesTests(DatabaseEngine engine)
{
    // A host of its own: saving every seed offering gives each a new draft version, which the shared host's tests must not see.
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await IdentityHost.StartAsync(engine);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task Every_seed_offering_saved_from_the_editor_without_edits_gives_a_draft_without_any_change()
    {
        await using var connection = await _host.Database.Database.OpenAsync();
        var offerings = (await connection.QueryAsync<(string Id, string VendorId)>("SELECT id, vendor_id FROM offerings ORDER BY id")).ToList();
        Assert.That(offerings, Has.Count.GreaterThanOrEqualTo(71), "the whole seed catalogue");
        var lifecycle = _host.Services.GetRequiredService<OfferingLifecycle>();

        var failures = new List<string>();
        foreach (var vendor in offerings.GroupBy(o => o.VendorId))
        {
            var client = await _host.SignedInAsync(await VendorAdminAsync(vendor.Key));
            foreach (var (id, _) in vendor)
            {
                var page = $"/anbieterportal/angebote/{id}";
                var html = await (await client.GetAsync(page)).Content.ReadAsStringAsync();
                var fields = EditorFields(html);
                fields["__RequestVerificationToken"] = IdentityHost.AntiforgeryToken(html);
                var saved = await client.PostAsync(page + "?handler=Fields", new FormUrlEncodedContent(fields));
                if (saved.StatusCode != HttpStatusCode.Redirect)
                {
                    failures.Add($"{id}: {(int)saved.StatusCode} {string.Join(" | ", ErrorSummary(await saved.Content.ReadAsStringAsync()))}");
                    continue;
                }
                var versions = (await lifecycle.GetAsync(vendor.Key, id)).Versions;
                var changes = VersionDiff.Between(versions[1].Descriptor, versions[0].Descriptor);
                if (changes.Count > 0) failures.Add($"{id}: changed {string.Join(", ", changes.Select(c => c.Path))}");
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [TestCase("de-DE", "Kurzbeschreibung: höchstens 200 Zeichen", "Standort des Betriebs: entspricht nicht dem verlangten Format", "Name: mindestens 1 Zeichen")]
    [TestCase("en-GB", "Summary: at most 200 characters", "Hosting location: does not have the required format", "Name: at least 1 characters")]
    public async Task Schema_errors_in_the_editor_are_worded_in_the_pages_language_and_name_the_field_by_its_label(
        string culture, string summary, string location, string name)
    {
        var id = "editor-fehler-" + DenialMatrix.Unique();
        await _host.Services.GetRequiredService<OfferingLifecycle>().CreateAsync(new Marketplace.Kernel.Actor("test", null), KomunaVendor, DraftYaml(id));
        var vendor = await _host.SignedInAsync(DenialMatrix.KomunaAdmin);
        var page = $"/anbieterportal/angebote/{id}?culture={culture}";
        var fields = EditorFields(await (await vendor.GetAsync(page)).Content.ReadAsStringAsync());
        fields["Fields.Name"] = "";
        fields["Fields.Summary"] = new string('x', 201);
        fields["Fields.HostingLocation"] = "Deutschland";

        var response = await IdentityHost.PostFormAsync(vendor, page, fields, "Fields");
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var errors = ErrorSummary(html);
        Assert.That(errors, Does.Contain(summary).And.Contain(location).And.Contain(name), string.Join(" | ", errors));
        Assert.That(html, Does.Contain("href=\"#field-Fields.Summary\"").And.Contain("href=\"#field-Fields.HostingLocation\""));
        Assert.That(errors, Has.None.Contains("Zeile").And.None.Contains("/summary").And.None.Contains("(maxLength)").And.None.Contains("Value"),
            "no line of a document the vendor never saw, no JSON Pointer, no library English");
    }

    [TestCase("de-DE", "Tarif 1 › Nutzungspreis 1 › Staffeln: genau eine Staffel, die letzte, hat keine Obergrenze (upTo: null)", "OZG-Reifegrad: muss eine ganze Zahl sein", "Zeile ")]
    [TestCase("en-GB", "Plan 1 › Usage price 1 › Tiers: exactly one tier, the last one, has no upper limit (upTo: null)", "OZG maturity level: must be a whole number", "Line ")]
    public async Task An_uploaded_descriptor_names_line_field_and_rule_in_the_pages_language(string culture, string tiers, string reifegrad, string line)
    {
        var yaml = Marketplace.Testing.TestDescriptors.ManualOffering("upload-fehler-" + DenialMatrix.Unique(), "Hundesteuer online", KomunaVendor, metered: true)
            .Replace("- upTo: null", "- upTo: 100").Replace("reifegrad: 3", "reifegrad: drei");
        var vendor = await _host.SignedInAsync(DenialMatrix.KomunaEditor);
        var html = await (await IdentityHost.PostFormAsync(vendor, $"/anbieterportal?culture={culture}", new() { ["Descriptor"] = yaml }, "Create")).Content.ReadAsStringAsync();
        var errors = ErrorSummary(html);
        Assert.That(errors.Select(e => Regex.Replace(e, "^(Zeile|Line) [0-9]+, ", "")), Does.Contain(tiers).And.Contain(reifegrad), string.Join(" | ", errors));
        Assert.That(errors, Has.All.StartWith(line), "a file the vendor wrote: the line helps");
        Assert.That(errors, Has.Count.EqualTo(2), "the tiers once, not each tier the rule tried");
        Assert.That(errors, Has.None.Contains("(contains)").And.None.Contains("matching items"));
    }

    /// <summary>A vendor admin of this catalogue vendor: the demo's own, or one made for the test.</summary>
    private async Task<string> VendorAdminAsync(string vendorId)
    {
        var existing = DemoSeeder.Accounts.FirstOrDefault(a => a.Role == "vendor-admin" && a.Organisation == "vendor-" + vendorId);
        if (existing is not null) return existing.Email;
        var email = $"admin-{vendorId}@test.example";
        await using var scope = _host.Services.CreateAsyncScope();
        var organisation = await scope.ServiceProvider.GetRequiredService<OrganisationStore>()
            .CreateAsync(new NewOrganisation(OrganisationKinds.Vendor, VendorId: vendorId), Actor.System);
        await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateUserAsync(organisation.Id, email, "Test " + vendorId, "vendor-admin", DemoSeeder.Password, null, Actor.System);
        return email;
    }

    /// <summary>
    /// The core-field form's values as a browser posts them: the value attributes, the selected option, and the
    /// textareas' text without the one line break after the tag the HTML parser drops, with line breaks as CR LF.
    /// </summary>
    private static Dictionary<string, string> EditorFields(string html)
    {
        var form = FieldsForm().Match(html);
        Assert.That(form.Success, Is.True, "the page has the core-field form");
        var fields = new Dictionary<string, string>();
        foreach (Match input in Input().Matches(form.Value))
            fields[input.Groups["name"].Value] = WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "");
        foreach (Match area in Textarea().Matches(form.Value))
        {
            var text = WebUtility.HtmlDecode(area.Groups["text"].Value);
            if (text.StartsWith('\n')) text = text[1..];
            fields[area.Groups["name"].Value] = text.Replace("\r\n", "\n").Replace("\n", "\r\n");
        }
        foreach (Match select in Select().Matches(form.Value))
            fields[select.Groups["name"].Value] = WebUtility.HtmlDecode(SelectedOption().Match(select.Value).Groups[1].Value);
        return fields;
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : null;

    private static List<string> ErrorSummary(string html) =>
        Regex.Matches(Regex.Match(html, "<div class=\"error-summary\".*?</div>", RegexOptions.Singleline).Value, "<li><a [^>]*>(.*?)</a></li>", RegexOptions.Singleline)
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<form[^>]*handler=Fields.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FieldsForm();

    [GeneratedRegex("<input (?=[^>]*type=\"text\")[^>]*name=\"(?<name>Fields\\.[A-Za-z]+)\"[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("<textarea [^>]*name=\"(?<name>Fields\\.[A-Za-z]+)\"[^>]*>(?<text>.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex Textarea();

    [GeneratedRegex("<select [^>]*name=\"(?<name>Fields\\.[A-Za-z]+)\"[^>]*>.*?</select>", RegexOptions.Singleline)]
    private static partial Regex Select();

    [GeneratedRegex("<option value=\"([^\"]*)\" selected=\"selected\"")]
    private static partial Regex SelectedOption();
}
