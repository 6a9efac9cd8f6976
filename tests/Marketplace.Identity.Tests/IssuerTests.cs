using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Behind a load balancer the instances see different addresses (each node's own, or the balancer's). With
/// Identity:Server:Issuer set, a token fetched through one address is accepted through any other.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class IssuerTests(DatabaseEngine engine)
{
    private const string Issuer = "https://marktplatz.example/";
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() =>
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { ["Identity:Server:Issuer"] = Issuer });

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task A_token_fetched_through_one_address_is_accepted_through_another()
    {
        var node1 = _host.CreateClient(new() { BaseAddress = new Uri("https://node1.internal") });
        var response = await node1.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "komuna-system", ["client_secret"] = "komuna-demo-secret-2026",
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

        var node2 = _host.CreateClient(new() { BaseAddress = new Uri("https://node2.internal") });
        node2.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.That((await node2.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var discovery = JsonDocument.Parse(await node2.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.That(discovery.GetProperty("issuer").GetString(), Is.EqualTo(Issuer));
    }
}
