using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Brokers;

/// <summary>
/// A vendor connects its own strict brokers (one with HTTP Basic, one with OAuth 2 client credentials) through broker
/// connections, and its offerings go the whole way: check, submission, approval, publication, order, active subscription.
/// Wrong credentials are named and block approval; a rotated secret is promoted by a check; and afterwards no secret is
/// found in any column of any table nor in anything the host logged.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BrokerConnectionFlowTests(DatabaseEngine engine)
{
    private const string Vendor = "komuna-digital";
    private const string Connections = "/api/v1/vendors/" + Vendor + "/broker-connections";
    private const string Muenchen = "09162000";

    private readonly string _basicPassword = "basic-pw-" + Guid.NewGuid().ToString("N");
    private readonly string _rotatedPassword = "rotated-pw-" + Guid.NewGuid().ToString("N");
    private readonly string _wrongPassword = "wrong-pw-" + Guid.NewGuid().ToString("N");
    private readonly string _oauthSecret = "oauth-secret-" + Guid.NewGuid().ToString("N");
    private readonly string _basicService = Guid.NewGuid().ToString(), _basicPlan = Guid.NewGuid().ToString();
    private readonly string _oauthService = Guid.NewGuid().ToString(), _oauthPlan = Guid.NewGuid().ToString();

    private readonly LogCapture _logs = new();
    private IdentityHost _parent = null!;
    private WebApplicationFactory<Program> _host = null!;
    private SampleBrokerServer _basicBroker = null!, _oauthBroker = null!;
    private SignedInClients _signedIn = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _basicBroker = await SampleBrokerApp.StartAsync(o =>
        {
            o.Mode = BrokerMode.Sync;
            o.LatencyMs = 20;
            o.BasicUsername = "komuna-platform";
            o.BasicPassword = _basicPassword;
            o.Services = [new ServiceDefinition { Id = _basicService, Name = "basis-dienst", Plans = new() { ["basis"] = _basicPlan } }];
        });
        _oauthBroker = await SampleBrokerApp.StartAsync(o =>
        {
            o.Mode = BrokerMode.Async;
            o.LatencyMs = 50;
            o.RetryAfterSeconds = 0;
            o.OAuthClientId = "komuna-client";
            o.OAuthClientSecret = _oauthSecret;
            o.Services = [new ServiceDefinition { Id = _oauthService, Name = "oauth-dienst", Plans = new() { ["basis"] = _oauthPlan } }];
        });
        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:PollInterval"] = "00:00:00.050",
            ["Provisioning:DefaultPollInterval"] = "00:00:00.050",
            ["Provisioning:BaseBackoff"] = "00:00:00.020",
            ["Provisioning:MaxBackoff"] = "00:00:00.100",
            ["Provisioning:BrokerRequestTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Debug",
        };
        _parent = new IdentityHost(await IdentityHost.SeededDatabaseAsync(engine, settings), settings);
        _host = _parent.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));
        _signedIn = new SignedInClients(_host);
        _ = _host.Server;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _signedIn.Dispose();
        await _host.DisposeAsync();
        await _parent.DisposeAsync();
        await _basicBroker.DisposeAsync();
        await _oauthBroker.DisposeAsync();
    }

    [Test]
    public Task An_offering_behind_a_Basic_auth_broker_reaches_active_through_the_vendors_own_connection() => BasicFlowAsync();

    private async Task BasicFlowAsync()
    {
        var connection = await CreateConnectionAsync("basis-" + Unique(), _basicBroker, new { authKind = "basic", username = "komuna-platform", secret = _basicPassword });
        var check = await Json(await (await As(KomunaAdmin)).PostAsync($"{Connections}/{connection}/check", null), HttpStatusCode.OK);
        Assert.That(check["passed"]!.GetValue<bool>(), Is.True, check.ToJsonString());
        Assert.That(check["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()), Does.Contain("catalog-read").And.Contain("service"));

        var offering = await PublishAsync(NameOf(connection), _basicService, _basicPlan);
        await OrderUntilActiveAsync(offering);
        Assert.That(_basicBroker.State.Instances.Values.Count(i => i.Ags == Muenchen && i.ServiceId == _basicService), Is.GreaterThanOrEqualTo(1));
        Assert.That(_basicBroker.State.Instances.Values.Where(i => i.ServiceId == _basicService).Select(i => i.LastApiVersion), Has.All.EqualTo("2.15"),
            "the version the offering claims");
    }

    [Test]
    public Task An_offering_behind_an_OAuth_broker_reaches_active_through_the_vendors_own_connection() => OAuthFlowAsync();

    private async Task OAuthFlowAsync()
    {
        var connection = await CreateConnectionAsync("oauth-" + Unique(), _oauthBroker, new
        {
            authKind = "oauth", username = "komuna-client", secret = _oauthSecret, tokenUrl = _oauthBroker.BaseAddress + "oauth/token", scope = "osb",
        });
        var check = await Json(await (await As(KomunaAdmin)).PostAsync($"{Connections}/{connection}/check", null), HttpStatusCode.OK);
        Assert.That(check["passed"]!.GetValue<bool>(), Is.True, check.ToJsonString());

        var offering = await PublishAsync(NameOf(connection), _oauthService, _oauthPlan);
        await OrderUntilActiveAsync(offering);
        Assert.That(_oauthBroker.State.Instances.Values.Count(i => i.Ags == Muenchen && i.ServiceId == _oauthService), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public Task Wrong_credentials_are_named_in_the_check_and_block_approval_and_publication() => WrongCredentialsFlowAsync();

    private async Task WrongCredentialsFlowAsync()
    {
        var connection = await CreateConnectionAsync("falsch-" + Unique(), _basicBroker, new { authKind = "basic", username = "komuna-platform", secret = _wrongPassword });
        var check = await Json(await (await As(KomunaAdmin)).PostAsync($"{Connections}/{connection}/check", null), HttpStatusCode.OK);
        Assert.That(check["passed"]!.GetValue<bool>(), Is.False);
        Assert.That(check["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()), Does.Contain("credentials-refused"));

        var id = await SubmitAsync(NameOf(connection), _basicService, _basicPlan);
        var review = await Json(await (await As(Auditor)).GetAsync($"/api/v1/reviews/offerings/{id}/versions/1"), HttpStatusCode.OK);
        var brokerCheck = review["checks"]!.AsArray().Single(c => c!["criterionId"]!.GetValue<string>() == "katalog-abrufbar")!;
        Assert.That(brokerCheck["outcome"]!.GetValue<string>(), Is.EqualTo("fail"));
        Assert.That(brokerCheck["detail"]!.GetValue<string>(), Does.StartWith("Anmeldung beim Broker abgelehnt (401)"));

        var approval = await (await As(Auditor)).PostAsJsonAsync($"/api/v1/reviews/offerings/{id}/versions/1/decision", new { outcome = "pass", reason = "Sieht gut aus." });
        Assert.That(approval.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await approval.Content.ReadAsStringAsync(), Does.Contain("Anmeldung beim Broker abgelehnt (401)"));
        var publish = await (await As(KomunaAdmin)).PostAsync($"/api/v1/vendors/{Vendor}/offerings/{id}/versions/1/publication", null);
        Assert.That(publish.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        // The vendor sees the same reason on its own offering page.
        var page = await (await As(KomunaAdmin)).GetStringAsync($"/anbieterportal/angebote/{id}");
        Assert.That(WebUtility.HtmlDecode(page), Does.Contain("Anmeldung beim Broker abgelehnt (401)"));
    }

    [Test]
    public Task A_next_secret_is_tried_beside_the_current_one_and_promoted_by_a_successful_check() => RotationFlowAsync();

    private async Task RotationFlowAsync()
    {
        var name = "rotation-" + Unique();
        var connection = await CreateConnectionAsync(name, _basicBroker, new { authKind = "basic", username = "komuna-platform", secret = _basicPassword });
        var offering = await PublishAsync(name, _basicService, _basicPlan);
        var admin = await As(KomunaAdmin);
        var updated = await Json(await admin.PutAsJsonAsync($"{Connections}/{connection}", new
        {
            name, brokerUrl = _basicBroker.BaseAddress.ToString(), authKind = "basic", username = "komuna-platform", nextSecret = _rotatedPassword,
        }), HttpStatusCode.OK);
        Assert.That((updated["secretSet"]!.GetValue<bool>(), updated["nextSecretSet"]!.GetValue<bool>()), Is.EqualTo((true, true)));

        var before = await Json(await admin.PostAsync($"{Connections}/{connection}/check", null), HttpStatusCode.OK);
        Assert.That(before["passed"]!.GetValue<bool>(), Is.True, "the current secret still works");
        Assert.That(before["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()), Does.Contain("next-secret-refused"));

        // The broker switches: calls with the old secret are refused at once, and the platform falls back to the next one.
        _basicBroker.Options.BasicPassword = _rotatedPassword;
        try
        {
            await OrderUntilActiveAsync(offering, "Koeln");
            var after = await Json(await admin.PostAsync($"{Connections}/{connection}/check", null), HttpStatusCode.OK);
            Assert.That(after["passed"]!.GetValue<bool>(), Is.True, after.ToJsonString());
            Assert.That(after["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()), Does.Contain("next-secret-promoted"));
            var shown = await Json(await admin.GetAsync($"{Connections}/{connection}"), HttpStatusCode.OK);
            Assert.That((shown["secretSet"]!.GetValue<bool>(), shown["nextSecretSet"]!.GetValue<bool>()), Is.EqualTo((true, false)));
        }
        finally
        {
            _basicBroker.Options.BasicPassword = _basicPassword;
        }
        var audit = await Json(await (await As(PlatformAdmin)).GetAsync($"/api/v1/audit?objectType=broker-connection&objectId={connection}&limit=50"), HttpStatusCode.OK);
        Assert.That(audit.ToJsonString(), Does.Contain("broker-connection.updated").And.Contain("broker-connection.checked"));
    }

    [Test]
    public async Task An_invalid_connection_is_refused_by_code_in_the_requests_language()
    {
        var refused = await (await As(KomunaAdmin)).PostAsJsonAsync(Connections + "?culture=en-GB",
            new { name = "Mein Broker", brokerUrl = "https://user:pw@broker.example", authKind = "kerberos", username = "komuna", secret = "s" });
        var problem = await Json(refused, HttpStatusCode.BadRequest);
        Assert.That(problem["codes"]!["name"]![0]!.GetValue<string>(), Is.EqualTo("broker.name-format"), problem.ToJsonString());
        Assert.That(problem["codes"]!["brokerUrl"]![0]!.GetValue<string>(), Is.EqualTo("broker.url-credentials"));
        Assert.That(problem["codes"]!["authKind"]![0]!.GetValue<string>(), Is.EqualTo("broker.auth-kind"));
        Assert.That(problem["errors"]!["brokerUrl"]![0]!.GetValue<string>(),
            Is.EqualTo("Credentials do not belong in the address: enter user name and password in their own fields."));
    }

    [Test]
    public async Task No_secret_appears_in_any_stored_text_nor_in_the_logs_nor_in_an_answer()
    {
        // The whole flow with every secret: Basic and OAuth to active, wrong credentials, a rotation.
        await BasicFlowAsync();
        await OAuthFlowAsync();
        await WrongCredentialsFlowAsync();
        await RotationFlowAsync();
        var answers = new StringBuilder();
        var admin = await As(KomunaAdmin);
        var connection = await CreateConnectionAsync("suche-" + Unique(), _basicBroker, new { authKind = "basic", username = "komuna-platform", secret = _wrongPassword });
        answers.Append(await (await admin.PostAsync($"{Connections}/{connection}/check", null)).Content.ReadAsStringAsync());
        answers.Append(await admin.GetStringAsync(Connections));
        answers.Append(await admin.GetStringAsync("/anbieterportal/broker"));
        answers.Append(await admin.GetStringAsync($"/anbieterportal/broker/{connection}"));
        answers.Append(await (await As(PlatformAdmin)).GetStringAsync("/api/v1/audit?objectType=broker-connection&limit=200"));

        string[] secrets =
        [
            _basicPassword, _rotatedPassword, _wrongPassword, _oauthSecret,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"komuna-platform:{_basicPassword}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"komuna-platform:{_wrongPassword}")),
        ];
        var stored = await AllStoredTextAsync();
        Assert.That(stored.Count, Is.GreaterThan(1000), "the search reads the database");
        Assert.That(stored.Any(t => t.Contains("broker-connection.created")), Is.True, "the audit trail is among what is searched");
        var logged = _logs.Lines.ToList();
        Assert.That(logged, Is.Not.Empty, "the host's logs were captured");
        foreach (var secret in secrets)
        {
            Assert.That(stored.Where(t => t.Contains(secret, StringComparison.Ordinal)), Is.Empty, "stored: " + secret[..6]);
            Assert.That(logged.Where(t => t.Contains(secret, StringComparison.Ordinal)), Is.Empty, "logged: " + secret[..6]);
            Assert.That(answers.ToString(), Does.Not.Contain(secret));
        }
    }

    // ---- The flow ----

    private async Task<string> CreateConnectionAsync(string name, SampleBrokerServer broker, object auth)
    {
        var body = JsonSerializer.SerializeToNode(auth)!.AsObject();
        body["name"] = name;
        body["brokerUrl"] = broker.BaseAddress.ToString();
        var created = await Json(await (await As(KomunaAdmin)).PostAsJsonAsync(Connections, body), HttpStatusCode.Created);
        Assert.That(created["secretSet"]!.GetValue<bool>(), Is.True);
        Assert.That(created.ToJsonString(), Does.Not.Contain(body["secret"]!.GetValue<string>()), "write-only");
        _names[created["id"]!.GetValue<string>()] = name;
        return created["id"]!.GetValue<string>();
    }

    private readonly ConcurrentDictionary<string, string> _names = new();
    private string NameOf(string connectionId) => _names[connectionId];

    /// <summary>Creates the offering, files accepted DSGVO evidence and submits version 1 (the live checks run then); returns its id.</summary>
    private async Task<string> SubmitAsync(string connection, string serviceId, string planId)
    {
        var id = "broker-" + Unique();
        var admin = await As(KomunaAdmin);
        await Json(await admin.PostAsync($"/api/v1/vendors/{Vendor}/offerings",
            new StringContent(OfferingYaml(id, connection, serviceId, planId), Encoding.UTF8, "application/yaml")), HttpStatusCode.Created);
        foreach (var criterion in new[] { "avv-muster", "tom", "unterauftragsverarbeiter" })
        {
            var evidence = await Json(await admin.PostAsync($"/api/v1/vendors/{Vendor}/offerings/{id}/evidence", Conformance.ConformanceData.EvidenceForm(criterion)),
                HttpStatusCode.Created);
            await Json(await (await As(Auditor)).PostAsJsonAsync($"/api/v1/reviews/evidence/{evidence["id"]!.GetValue<string>()}/decision",
                new { outcome = "pass", reason = "Unterschrieben und aktuell." }), HttpStatusCode.OK);
        }
        await Json(await admin.PostAsync($"/api/v1/vendors/{Vendor}/offerings/{id}/versions/1/submission", null), HttpStatusCode.OK);
        return id;
    }

    private async Task<string> PublishAsync(string connection, string serviceId, string planId)
    {
        var id = await SubmitAsync(connection, serviceId, planId);
        await Json(await (await As(Auditor)).PostAsJsonAsync($"/api/v1/reviews/offerings/{id}/versions/1/decision",
            new { outcome = "pass", reason = "Broker geprüft." }), HttpStatusCode.OK);
        await Json(await (await As(KomunaAdmin)).PostAsync($"/api/v1/vendors/{Vendor}/offerings/{id}/versions/1/publication", null), HttpStatusCode.OK);
        return id;
    }

    private async Task OrderUntilActiveAsync(string offeringId, string municipality = "Muenchen")
    {
        var (who, ags) = municipality == "Koeln" ? (KoelnAdmin, "05315000") : (MuenchenAdmin, Muenchen);
        var buyer = await As(who);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{ags}/orders")
        {
            Content = JsonContent.Create(new { offeringId, planId = "basis", addOnIds = Array.Empty<string>(), configuration = new { kontaktEmail = "it@kommune.example" } }),
        };
        request.Headers.Add("Idempotency-Key", "broker-" + Guid.NewGuid().ToString("N"));
        var placed = await Json(await buyer.SendAsync(request), HttpStatusCode.Created);
        var id = placed["subscriptionIds"]![0]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = JsonNode.Parse(await buyer.GetStringAsync($"/api/v1/municipalities/{ags}/subscriptions/{id}"));
            if (last!["state"]!.GetValue<string>() == "active") return;
            if (last["state"]!.GetValue<string>() == "failed") break;
            await Task.Delay(100);
        }
        Assert.Fail($"subscription {id} did not become active: {last?.ToJsonString()}");
    }

    private static string OfferingYaml(string id, string connection, string serviceId, string planId) => $$"""
        id: {{id}}
        name: Broker-Test {{id}}
        nameEn: Broker test
        vendor: {{Vendor}}
        leistungen: ["10124"]
        summary: "Ein Angebot hinter dem eigenen Broker des Anbieters."
        description: Bereitgestellt über einen Open Service Broker mit Anmeldung.
        laender: ["*"]
        reifegrad: 3
        standards:
          - standard: dsgvo-avv
            version: "2016/679"
          - standard: open-service-broker
            version: "2.15"
        hosting:
          location: DE
          provider: Kommunales Rechenzentrum
        support:
          hours: Mo–Fr 8–16 Uhr
          channels: ["e-mail"]
          languages: ["de"]
        sla:
          availabilityPercent: 99.5
          responseTimeHours: 8
        plans:
          - id: basis
            name: Basis
            nameEn: Basic
            standardPackage:
              funder: Kommune (Eigenfinanzierung)
              listValueCentsPerMonth: 0
        tenantConfigSchema:
          type: object
          properties:
            kontaktEmail:
              type: string
              format: email
          required: ["kontaktEmail"]
          additionalProperties: false
        provisioning:
          type: osb
          brokerConnection: {{connection}}
          serviceId: "{{serviceId}}"
          planIds:
            basis: "{{planId}}"
        """;

    // ---- Helpers ----

    private Task<HttpClient> As(string email) => _signedIn.As(email);

    private static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode expected) =>
        JsonNode.Parse(await SignedInClients.BodyAsync(response, expected))!;

    /// <summary>Every string value of every row of every table of the host's database.</summary>
    private Task<List<string>> AllStoredTextAsync() => StoredText.AllAsync(_host.Services.GetRequiredService<Database>(), engine, "broker_connections");
}
