using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Instances keep what they learnt about a bearer token for a while (see CachedTokenValidation). A revocation still
/// holds: at once on the instance that revoked, and on every other one within Identity:Server:TokenEntryCheckSeconds.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class TokenRevocationTests(DatabaseEngine engine)
{
    private const string Issuer = "https://marktplatz.example/";
    private IdentityHost _first = null!;
    private IdentityHost _second = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var settings = new Dictionary<string, string?> { ["Identity:Server:Issuer"] = Issuer, ["Identity:Server:TokenEntryCheckSeconds"] = "1" };
        _first = await IdentityHost.StartAsync(engine, settings);
        // A second instance on the same database, as behind a load balancer.
        _second = IdentityHost.Start(_first.Database, settings, catalogSeeded: true);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Test]
    public async Task A_revoked_access_token_is_refused_at_once_where_revoked_and_soon_everywhere()
    {
        var token = await TokenAsync();
        var first = Bearer(_first, token);
        var second = Bearer(_second, token);
        // Both instances have seen the token as valid (and keep that for a moment).
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await first.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await second.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var client = _first.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        var revoked = await client.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["token_type_hint"] = "access_token", ["client_id"] = "komuna-system", ["client_secret"] = "komuna-demo-secret-2026",
        }));
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revoked.Content.ReadAsStringAsync());

        Assert.That((await first.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "the instance that revoked forgets the token at once");
        // The other instance looks at the token's entry again after one second (this host's setting).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await second.GetAsync("/api/v1/organisations/me")).StatusCode;
        } while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), "the other instance refuses the token once its entry check is due");
    }

    [Test]
    public async Task A_forged_copy_of_a_known_token_is_not_taken_from_the_cache()
    {
        var token = await TokenAsync();
        var first = Bearer(_first, token);
        Assert.That((await first.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // One changed character in the signature: a different string, validated in full, and refused.
        var forged = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        Assert.That((await Bearer(_first, forged).GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private async Task<string> TokenAsync()
    {
        var client = _first.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "komuna-system", ["client_secret"] = "komuna-demo-secret-2026",
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private static HttpClient Bearer(IdentityHost host, string token)
    {
        var http = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
