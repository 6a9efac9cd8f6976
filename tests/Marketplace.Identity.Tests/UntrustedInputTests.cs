using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Conformance.ConformanceData;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>Text no field may hold (NUL, a lone surrogate) is refused at the edge with a 400 naming the field, on every engine.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class UntrustedInputTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private static async Task<JsonNode> Problem(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(body)!;
        Assert.That(problem["errors"]![field], Is.Not.Null, body);
        return problem;
    }

    [TestCase("{\"name\":\"Hunde\\u0000steuer\"}", "name")]
    [TestCase("{\"name\":\"Hunde\\ud800steuer\"}", "name")]
    [TestCase("{\"name\":\"ok\",\"hostingProvider\":\"\\udc00\"}", "hostingProvider")]
    public async Task A_JSON_field_with_a_NUL_or_a_lone_surrogate_is_refused_naming_it_and_nothing_is_written(string json, string field)
    {
        var editor = await _host.SignedInAsync(KomunaEditor);
        var url = $"/api/v1/vendors/{KomunaVendor}/offerings/{await EnsureMatrixDraftAsync(_host, MatrixDraft)}";
        var before = await (await editor.GetAsync(url)).Content.ReadAsStringAsync();
        await Problem(await editor.PatchAsync(url + "/draft", new StringContent(json, Encoding.UTF8, "application/json")), field);
        Assert.That(await (await editor.GetAsync(url)).Content.ReadAsStringAsync(), Is.EqualTo(before), "the draft is unchanged");
    }

    [Test]
    public async Task The_refusal_is_in_the_language_of_the_request()
    {
        var editor = await _host.SignedInAsync(KomunaEditor);
        var url = $"/api/v1/vendors/{KomunaVendor}/offerings/{await EnsureMatrixDraftAsync(_host, MatrixDraft)}/draft?culture=en-GB";
        var problem = await Problem(await editor.PatchAsync(url, new StringContent("{\"name\":\"a\\u0000\"}", Encoding.UTF8, "application/json")), "name");
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Invalid input"));
        Assert.That(problem["errors"]!["name"]![0]!.GetValue<string>(), Does.Contain("NUL"));
    }

    [Test]
    public async Task A_query_parameter_with_a_NUL_is_refused_naming_it() =>
        await Problem(await _host.Browser().GetAsync("/api/v1/offerings?q=hund%00steuer"), "q");

    [Test]
    public async Task A_form_field_with_a_NUL_is_refused_before_the_page_sees_it()
    {
        var client = _host.Browser();
        var response = await IdentityHost.PostFormAsync(client, "/konto/anmelden", new() { ["Email"] = "a\0@example.org", ["Password"] = "x" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Text_with_a_proper_surrogate_pair_passes()
    {
        var response = await _host.Browser().GetAsync("/api/v1/offerings?q=" + Uri.EscapeDataString("Hund 🐕"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
