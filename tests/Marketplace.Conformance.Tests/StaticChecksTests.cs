using System.Text.Json.Nodes;
using Marketplace.Conformance.Checks;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The automated checks that read only the descriptor.</summary>
public class StaticChecksTests
{
    [TestCase("accessibilityStatementUrl", true)]
    [TestCase("hosting.provider", true)]
    [TestCase("hosting.region", false)]
    [TestCase("tenantConfigSchema.properties.ags", true)]
    [TestCase("tenantConfigSchema.properties.fitConnect", false)]
    [TestCase("standards", false)]
    public void Field_present_follows_a_dotted_path_and_treats_empty_as_missing(string path, bool present)
    {
        var offering = JsonNode.Parse("""
            {"accessibilityStatementUrl":"https://x.example/b","hosting":{"provider":"RZ","region":""},"standards":[],
             "tenantConfigSchema":{"properties":{"ags":{"type":"string"}}}}
            """);
        Assert.That(AutomatedChecks.Present(offering, path), Is.EqualTo(present));
    }

    [Test]
    public void A_valid_configuration_schema_passes()
    {
        Assert.That(AutomatedChecks.SchemaProblems(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() }), Is.Null);
    }

    [Test]
    public void An_invalid_configuration_schema_is_reported_with_where_it_breaks_the_metaschema()
    {
        var problem = AutomatedChecks.SchemaProblems((JsonObject)JsonNode.Parse("""{"type":"object","properties":{"ags":{"type":"text"}}}""")!);
        Assert.That(problem, Does.StartWith("Das Konfigurationsschema ist kein gültiges JSON Schema (draft 2020-12): ").And.Contain("/properties/ags/type"));
    }

    [Test]
    public void A_configuration_schema_that_is_not_an_object_fails()
    {
        Assert.That(AutomatedChecks.SchemaProblems(new JsonObject { ["type"] = "array" }), Is.EqualTo("Das Konfigurationsschema muss den Typ 'object' haben."));
    }
}

/// <summary>Live checks refuse non-public addresses unless development allows them.</summary>
public class PublicNetworkOnlyTests
{
    [TestCase("127.0.0.1", false)]
    [TestCase("10.1.2.3", false)]
    [TestCase("172.20.0.5", false)]
    [TestCase("192.168.1.1", false)]
    [TestCase("169.254.169.254", false)]
    [TestCase("100.64.0.1", false)]
    [TestCase("::1", false)]
    [TestCase("fd00::1", false)]
    [TestCase("fe80::1", false)]
    [TestCase("::ffff:10.0.0.1", false)]
    [TestCase("64:ff9b::a9fe:a9fe", false)] // NAT64 form of the metadata address 169.254.169.254
    [TestCase("198.18.0.1", false)]
    [TestCase("224.0.0.1", false)]
    [TestCase("93.184.215.14", true)]
    [TestCase("2a00:1450:4001:80b::200e", true)]
    public void Only_public_addresses_are_called(string address, bool isPublic) =>
        Assert.That(Marketplace.Storage.Outbound.PublicNetworkOnly.IsPublic(System.Net.IPAddress.Parse(address)), Is.EqualTo(isPublic));

    [Test]
    public async Task A_check_against_loopback_is_refused_when_private_networks_are_not_allowed()
    {
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = Marketplace.Storage.Outbound.PublicNetworkOnly.ConnectAsync });
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1:9/v2/catalog"));
        Assert.That(error!.Message, Does.Contain("resolves only to non-public addresses"));
    }
}
