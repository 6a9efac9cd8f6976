using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance.Checks;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The osb-catalog check against a real broker on loopback that answers correctly, with wrong plan ids, with invalid JSON, and worse.</summary>
public class BrokerCatalogCheckTests
{
    private FakeBroker _broker = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _broker = await FakeBroker.StartAsync();
        _http = new HttpClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _broker.DisposeAsync();
    }

    private static OfferingDescriptor Offering(string brokerUrl)
    {
        var (offering, errors) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "test.yaml",
            TestOffering.Yaml("abfallkalender-test", "nordlicht-bauportal", brokerUrl));
        Assert.That(errors, Is.Empty);
        return offering!;
    }

    private async Task<BrokerCheckOutcome> Check(string name, JsonNode? catalog = null, string? body = null, int status = 200)
    {
        var offering = Offering(_broker.Url(name));
        _broker.Answer(name, body ?? (catalog ?? FakeBroker.CatalogFor(offering)).ToJsonString(), status);
        return await new BrokerCatalogCheck(new HttpBrokerCatalogSource(_http, new ConformanceOptions()), new ConformanceOptions()).RunAsync(offering);
    }

    [Test]
    public async Task A_broker_with_the_service_the_plans_and_the_schema_passes_and_its_answer_is_kept()
    {
        var outcome = await Check("correct");
        Assert.That(outcome.Passed, Is.True, outcome.Detail);
        Assert.That(outcome.Mismatches, Is.Empty);
        Assert.That(outcome.RawEvidence, Does.Contain(TestOffering.ServiceId).And.Contain(TestOffering.ProPlanId).And.Contain("HTTP 200"));
        // The version the offering claims for open-service-broker, not the client's newest.
        Assert.That(_broker.LastApiVersion, Is.EqualTo(Offering(_broker.Url("correct")).Standards.Single(s => s.Standard == "open-service-broker").Version));
        Assert.That(_broker.LastApiVersion, Is.EqualTo("2.15"));
    }

    [Test]
    public async Task Wrong_plan_ids_name_the_plan_the_missing_id_and_what_the_broker_offers()
    {
        var catalog = FakeBroker.CatalogFor(Offering(_broker.Url("wrong-plans")));
        catalog["services"]![0]!["plans"]![1]!["id"] = "ffffffff-0000-4000-8000-000000000000";

        var outcome = await Check("wrong-plans", catalog);

        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Mismatches, Is.EqualTo(new[]
        {
            $"Tarif 'plus': Plan-ID '{TestOffering.ProPlanId}' fehlt im Service '{TestOffering.ServiceId}'; der Broker bietet: {TestOffering.BasicPlanId}, ffffffff-0000-4000-8000-000000000000.",
        }));
    }

    [Test]
    public async Task Invalid_JSON_is_reported_with_the_parser_position_and_the_body_is_kept_as_evidence()
    {
        const string body = """{"services": [{"id": "5b1f8a1e-6a8a-4c55-9a39-3f2f1d3b9a10", "plans": [""";

        var outcome = await Check("invalid-json", body: body);

        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Mismatches, Has.Count.EqualTo(1));
        Assert.That(outcome.Mismatches[0], Does.StartWith($"Die Antwort auf GET {_broker.Url("invalid-json")}v2/catalog ist kein gültiges JSON: "));
        // The parser stops where the text ends: the open array and object are named with their position.
        Assert.That(outcome.Mismatches[0], Does.Contain("open JSON object or array").And.Contain($"LineNumber: 0 | BytePositionInLine: {body.Length}."));
        Assert.That(outcome.RawEvidence, Does.EndWith(body));
    }

    [Test]
    public async Task A_plan_schema_that_rejects_a_sample_configuration_names_the_plan_and_the_field()
    {
        var catalog = FakeBroker.CatalogFor(Offering(_broker.Url("schema")));
        var parameters = catalog["services"]![0]!["plans"]![0]!["schemas"]!["service_instance"]!["create"]!["parameters"]!;
        parameters["properties"]!["ags"]!["pattern"] = "^[0-9]{5}$";

        var outcome = await Check("schema", catalog);

        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Mismatches, Has.Count.EqualTo(1));
        Assert.That(outcome.Mismatches[0], Does.StartWith($"Tarif 'basis' (Plan '{TestOffering.BasicPlanId}'), Parameterschema des Brokers: lehnt Beispielkonfiguration 1 ab (/ags:"));
    }

    [Test]
    public async Task A_plan_schema_written_differently_but_accepting_the_samples_passes()
    {
        var catalog = FakeBroker.CatalogFor(Offering(_broker.Url("other-schema")));
        var parameters = catalog["services"]![0]!["plans"]![0]!["schemas"]!["service_instance"]!["create"]!["parameters"]!.AsObject();
        parameters["properties"]!["telefon"] = new JsonObject { ["type"] = "string" };
        parameters.Remove("additionalProperties");

        var outcome = await Check("other-schema", catalog);

        Assert.That(outcome.Passed, Is.True, outcome.Detail);
    }

    [Test]
    public async Task A_plan_without_a_declared_schema_passes()
    {
        var catalog = FakeBroker.CatalogFor(Offering(_broker.Url("no-schema")));
        catalog["services"]![0]!["plans"]![1]!.AsObject().Remove("schemas");

        var outcome = await Check("no-schema", catalog);

        Assert.That(outcome.Passed, Is.True, outcome.Detail);
    }

    [Test]
    public async Task Refused_credentials_are_named_as_such()
    {
        var outcome = await Check("refused", body: """{"description":"unauthorised"}""", status: 401);
        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Detail, Does.StartWith("Anmeldung beim Broker abgelehnt (401)"));
    }

    [Test]
    public async Task Credentials_in_the_broker_url_are_refused_and_never_repeated()
    {
        var url = _broker.Url("userinfo").Replace("http://", "http://vendor:geheim-im-url@");
        var outcome = await new BrokerCatalogCheck(new HttpBrokerCatalogSource(_http, new ConformanceOptions()), new ConformanceOptions()).RunAsync(Offering(url));
        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Detail + outcome.RawEvidence, Does.Not.Contain("geheim-im-url"));
        Assert.That(outcome.Detail, Does.Contain("Zugangsdaten in provisioning.brokerUrl"));
    }

    [Test]
    public async Task A_missing_service_names_the_services_the_broker_has()
    {
        var catalog = FakeBroker.CatalogFor(Offering(_broker.Url("other-service")));
        catalog["services"]![0]!["id"] = "11111111-2222-4333-8444-555555555555";

        var outcome = await Check("other-service", catalog);

        Assert.That(outcome.Mismatches, Is.EqualTo(new[]
        {
            $"Service '{TestOffering.ServiceId}' fehlt im Katalog des Brokers; der Broker bietet: 11111111-2222-4333-8444-555555555555.",
        }));
    }

    [Test]
    public async Task An_error_status_fails_with_the_status()
    {
        var outcome = await Check("failing", body: """{"description":"down for maintenance"}""", status: 503);
        Assert.That(outcome.Mismatches, Is.EqualTo(new[] { $"GET {_broker.Url("failing")}v2/catalog antwortet mit HTTP 503 statt 200." }));
        Assert.That(outcome.RawEvidence, Does.Contain("down for maintenance"));
    }

    [Test]
    public async Task An_unreachable_broker_fails_as_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var outcome = await new BrokerCatalogCheck(new HttpBrokerCatalogSource(_http, new ConformanceOptions()), new ConformanceOptions()).RunAsync(Offering($"http://127.0.0.1:{port}/"));
        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Detail, Does.StartWith($"GET http://127.0.0.1:{port}/v2/catalog: nicht erreichbar:"));
    }
}
