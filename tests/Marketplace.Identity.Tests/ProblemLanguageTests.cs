using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The refusals of the residency, back-office and SLA APIs (descriptor upload, Fachverfahren, data policy, sub-processor
/// objections, ordering with a policy exception and add-ons) answer in the request's language (German by default), name
/// the field and carry a stable code per error (problem extension "codes", parallel to "errors"). Its own host: it sets
/// München's data policy.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ProblemLanguageTests(DatabaseEngine engine)
{
    private const string Muenchen = "09162000";
    private const string Vendor = "havelsoft";
    private const string Offering = "gutachterausschuss-havelsoft";
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine);
        // A policy the Fundbüro offering (private operator) misses: ordering it needs an exception with a reason.
        var policy = await (await _host.SignedInAsync(MuenchenAdmin)).PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/data-policy", new { publicOperatorsOnly = true });
        Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.OK), await policy.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string SeedYaml => File.ReadAllText(Path.Combine(RepoPaths.Catalog, "offerings", Offering + ".yaml"));

    private async Task<JsonNode> RefusedAsync(string who, HttpMethod method, string url, HttpContent? content, string language)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.AcceptLanguage.ParseAdd(language);
        request.Headers.Add("Idempotency-Key", "language-" + Guid.NewGuid().ToString("N"));
        var response = await (await _host.SignedInAsync(who)).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>The field's messages and codes; asserts the field is named and each message has its code.</summary>
    private static (string Text, IReadOnlyList<string> Codes) At(JsonNode problem, string field)
    {
        var messages = problem["errors"]?[field]?.AsArray().Select(m => (string)m!).ToList();
        Assert.That(messages, Is.Not.Null.And.Not.Empty, $"no error at {field}: {problem.ToJsonString()}");
        var codes = problem["codes"]?[field]?.AsArray().Select(c => (string?)c ?? "").ToList();
        Assert.That(codes, Is.Not.Null.And.Count.EqualTo(messages!.Count), $"a code for each error at {field}: {problem.ToJsonString()}");
        return (string.Join(" | ", messages), codes!);
    }

    private static void Expect(JsonNode problem, string field, string code, string language, string german, string english)
    {
        var (text, codes) = At(problem, field);
        Assert.That(codes, Does.Contain(code), field);
        Assert.That(text, Does.Contain(language == "en" ? english : german), field);
        Assert.That(text, Does.Not.Contain(language == "en" ? german : english), field);
    }

    private static StringContent Yaml(string yaml) => new(yaml, Encoding.UTF8, "application/yaml");

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_descriptor_that_breaks_the_schema_is_refused_in_the_request_language_at_each_field(string language)
    {
        var yaml = SeedYaml.Replace("      land: BE\n  objectionPeriodDays: 30",
            "      land: BE\n    - name: \"Mailjet SAS\"\n      purpose: \"E-Mail\"\n      country: Frankreich\n  objectionPeriodDays: 400");
        Assert.That(yaml, Is.Not.EqualTo(SeedYaml));
        var problem = await RefusedAsync(HavelsoftAdmin, HttpMethod.Put, $"/api/v1/vendors/{Vendor}/offerings/{Offering}/draft", Yaml(yaml), language);
        var en = language.StartsWith("en");
        Assert.That((string)problem["detail"]!, Is.EqualTo(en ? "The offering descriptor is invalid." : "Die Angebotsbeschreibung ist ungültig."));
        Expect(problem, "/hosting/subProcessors/2/country", "schema.pattern", en ? "en" : "de", "entspricht nicht dem verlangten Format", "does not have the required format");
        Expect(problem, "/hosting/objectionPeriodDays", "schema.maximum", en ? "en" : "de", "höchstens 180", "at most 180");
        Assert.That(At(problem, "/hosting/objectionPeriodDays").Text, Does.StartWith(en ? "Line " : "Zeile "));
        var line = problem["problems"]!.AsArray().Single(p => (string)p!["field"]! == "/hosting/objectionPeriodDays")!;
        Assert.That((string)line["code"]!, Is.EqualTo("schema.maximum"));
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_descriptor_with_a_bad_status_url_and_back_office_is_refused_in_the_request_language_at_each_field(string language)
    {
        var yaml = SeedYaml.Replace("statusUrl: http://127.0.0.1:5081/status/gutachterausschuss-havelsoft", "statusUrl: https://nutzer:geheim@status.havelsoft.example/")
            .Replace("backOffice: []", "backOffice:\n  - area: meldewezen\n    fitConnect: true");
        Assert.That(yaml, Does.Contain("nutzer:geheim").And.Contain("meldewezen"));
        var problem = await RefusedAsync(HavelsoftAdmin, HttpMethod.Put, $"/api/v1/vendors/{Vendor}/offerings/{Offering}/draft", Yaml(yaml), language);
        var lang = language[..2];
        Expect(problem, "/sla/statusUrl", "descriptor.status-url-credentials", lang, "darf keine Zugangsdaten enthalten", "must not contain credentials");
        Expect(problem, "/backOffice/0/area", "descriptor.unknown-area", lang, "unbekanntes Aufgabengebiet „meldewezen“", "unknown Fachverfahren area 'meldewezen'");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task Recording_unknown_Fachverfahren_is_refused_in_the_request_language_at_each_product(string language)
    {
        var lang = language[..2];
        var url = $"/api/v1/municipalities/{Muenchen}/fachverfahren";
        var problem = await RefusedAsync(MuenchenAdmin, HttpMethod.Put, url, JsonContent.Create(new
        {
            products = new object[]
            {
                new { area = "meldewezen", product = "ok-ewo", version = "2023.2" },
                new { area = "kfz-zulassung", product = "ok-ewo", version = "1" },
                new { area = "gewerbe", product = "ok-gewerbe", version = "0.0.1" },
                new { area = "", product = "", version = "" },
            },
        }), language);
        Expect(problem, "products/0/area", "fachverfahren.unknown-area", lang, "unbekanntes Aufgabengebiet", "unknown area");
        Expect(problem, "products/1/product", "fachverfahren.unknown-product", lang, "unbekanntes Fachverfahren in diesem Aufgabengebiet", "unknown back-office system in this area");
        Expect(problem, "products/2/version", "fachverfahren.unknown-version", lang, "unbekannte Version des Fachverfahrens", "unknown version of the back-office system");
        Expect(problem, "products/3/area", "required", lang, "erforderlich", "required");

        var empty = await RefusedAsync(MuenchenAdmin, HttpMethod.Put, url, JsonContent.Create(new { }), language);
        Expect(empty, "products", "required", lang, "erforderlich", "required");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_data_policy_without_rules_is_refused_in_the_request_language(string language)
    {
        var problem = await RefusedAsync(MuenchenAdmin, HttpMethod.Put, $"/api/v1/municipalities/{Muenchen}/data-policy",
            new StringContent("null", Encoding.UTF8, "application/json"), language);
        Expect(problem, "onlyGermany", "data-policy.rules-missing", language[..2], "Regeln angeben (true oder false).", "State the rules (true or false).");
        Assert.That((string)problem["title"]!, Is.EqualTo(language.StartsWith("en") ? "Invalid input" : "Ungültige Eingabe"));
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task An_objection_without_offering_version_or_reason_is_refused_in_the_request_language(string language)
    {
        var lang = language[..2];
        var url = $"/api/v1/municipalities/{Muenchen}/sub-processor-objections";
        var problem = await RefusedAsync(MuenchenAdmin, HttpMethod.Post, url, JsonContent.Create(new { }), language);
        Expect(problem, "reason", "objection.reason-missing", lang, "Begründung fehlt", "reason missing");
        Expect(problem, "offeringId", "objection.offering-missing", lang, "Angebot angeben", "name the offering");
        Expect(problem, "version", "objection.version-missing", lang, "Version angeben, der Sie widersprechen", "name the version you object to");

        var tooLong = await RefusedAsync(MuenchenAdmin, HttpMethod.Post, url, JsonContent.Create(new { offeringId = Offering, version = 1, reason = new string('x', 2001) }), language);
        Expect(tooLong, "reason", "max-length", lang, "höchstens 2000 Zeichen", "at most 2000 characters");
        var notSubscribed = await RefusedAsync(MuenchenAdmin, HttpMethod.Post, url, JsonContent.Create(new { offeringId = Offering, version = 1, reason = "Nein." }), language);
        Expect(notSubscribed, "offeringId", "objection.not-subscribed", lang, "Ihre Kommune hat dieses Angebot nicht abonniert", "Your municipality has no subscription to this offering");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task An_order_missing_its_policy_exception_or_naming_a_foreign_add_on_is_refused_in_the_request_language(string language)
    {
        var lang = language[..2];
        var order = new
        {
            offeringId = "fundbuero-amtsfuchs", planId = "standard", addOnIds = new[] { "fachverfahrensadapter" },
            configuration = new { behoerde = "Fundbüro", kontaktEmail = "fundbuero@muenchen.example" },
        };
        var problem = await RefusedAsync(MuenchenAdmin, HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/orders", JsonContent.Create(order), language);
        Expect(problem, "dataPolicyException/reason", "order.data-policy-exception-needed", lang,
            "Das Angebot passt nicht zur Datenrichtlinie der Kommune", "The offering does not fit the municipality's data policy");
        Expect(problem, "addOnIds", "order.add-on-not-in-plan", lang, "Zusatzleistung 'fachverfahrensadapter' gehört nicht zum Tarif",
            "add-on 'fachverfahrensadapter' is not part of the plan");

        var unknownPlan = await RefusedAsync(MuenchenAdmin, HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/orders", JsonContent.Create(new
        {
            offeringId = "fundbuero-amtsfuchs", planId = "gibt-es-nicht", configuration = order.configuration,
            dataPolicyException = new { reason = new string('x', 1001) },
        }), language);
        Expect(unknownPlan, "planId", "order.unknown-plan", lang, "unbekannter Tarif", "unknown plan");
        Expect(unknownPlan, "dataPolicyException/reason", "max-length", lang, "höchstens 1000 Zeichen", "at most 1000 characters");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task The_vendor_upload_Fachverfahren_and_order_pages_show_these_refusals_in_the_page_language(string language)
    {
        // The signed-in clients are the host's, shared across tests: each case sets its own language.
        var de = language.StartsWith("de");

        var vendor = await _host.SignedInAsync(KomunaEditor);
        vendor.DefaultRequestHeaders.AcceptLanguage.Clear();
        vendor.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var yaml = Conformance.ConformanceData.DraftYaml("sprache-" + Guid.NewGuid().ToString("N")[..8])
            .Replace("  responseTimeHours: 8\n", "  responseTimeHours: 8\n  statusUrl: https://nutzer:geheim@status.komuna.example/\n")
            + "\nbackOffice:\n  - area: meldewezen\n    fitConnect: true\n";
        Assert.That(yaml, Does.Contain("nutzer:geheim"));
        var upload = await (await IdentityHost.PostFormAsync(vendor, "/anbieterportal", new() { ["Descriptor"] = yaml }, "Create")).Content.ReadAsStringAsync();
        Assert.That(upload, Does.Contain(de ? "darf keine Zugangsdaten enthalten" : "must not contain credentials"));
        Assert.That(upload, Does.Contain(de ? "unbekanntes Aufgabengebiet „meldewezen“" : "unknown Fachverfahren area &#x27;meldewezen&#x27;"));
        Assert.That(upload, Does.Contain(de ? "Zeile " : "Line "));

        var admin = await _host.SignedInAsync(MuenchenAdmin);
        admin.DefaultRequestHeaders.AcceptLanguage.Clear();
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var fachverfahren = await (await IdentityHost.PostFormAsync(admin, "/organisation/fachverfahren",
            new() { ["Selection[meldewesen]"] = "vois-meso|0.1" })).Content.ReadAsStringAsync();
        Assert.That(fachverfahren, Does.Contain("href=\"#field-Selection-meldewesen\"")
            .And.Contain(de ? "unbekannte Version des Fachverfahrens" : "unknown version of the back-office system"));

        var order = await (await IdentityHost.PostFormAsync(admin, "/angebote/fundbuero-amtsfuchs/bestellen", new()
        {
            ["Ags"] = Muenchen, ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["PlanId"] = "standard",
            ["cfg.behoerde"] = "Fundbüro", ["cfg.kontaktEmail"] = "fundbuero@muenchen.example",
        })).Content.ReadAsStringAsync();
        Assert.That(order, Does.Contain(de ? "(operator-not-public); bestellbar nur mit einer begründeten Ausnahme."
            : "(operator-not-public); it can be ordered only with a justified exception."));
    }
}
