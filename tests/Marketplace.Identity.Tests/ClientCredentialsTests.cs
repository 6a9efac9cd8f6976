using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>A standard OIDC client library discovers the server, gets a client-credentials token and calls the API with it.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class ClientCredentialsTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await SharedHosts.For(engine);
        _http = _host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
    }

    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var disco = await _http.GetDiscoveryDocumentAsync(IdentityHost.BaseAddress.ToString());
        Assert.That(disco.IsError, Is.False, disco.Error);
        return disco;
    }

    private async Task<TokenResponse> TokenAsync(DiscoveryDocumentResponse disco, string clientId, string secret) =>
        await _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = clientId, ClientSecret = secret, Scope = "marketplace",
        });

    [Test]
    public async Task A_seeded_vendor_client_gets_a_token_and_calls_a_protected_API_as_its_vendor()
    {
        var disco = await DiscoverAsync();
        Assert.That(disco.GrantTypesSupported, Does.Contain("client_credentials").And.Contain("authorization_code"));
        var token = await TokenAsync(disco, "komuna-system", "komuna-demo-secret-2026");
        Assert.That(token.IsError, Is.False, token.Error);

        var api = _host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken(token.AccessToken!);
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/organisations/me");
        Assert.That(me.GetProperty("subject").GetString(), Is.EqualTo("komuna-system"));
        Assert.That(me.GetProperty("organisation").GetProperty("vendorId").GetString(), Is.EqualTo("komuna-digital"));
        Assert.That(me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "vendor-editor" }));

        // Tenant isolation holds for machine clients too: another vendor's data is not there.
        Assert.That((await api.GetAsync("/api/v1/vendors/havelsoft/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await api.GetAsync("/api/v1/vendors/komuna-digital/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_wrong_secret_gets_no_token_and_no_token_gets_401()
    {
        var disco = await DiscoverAsync();
        var token = await TokenAsync(disco, "komuna-system", "not-the-secret");
        Assert.That(token.IsError, Is.True);
        Assert.That(token.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(token.Raw, Does.Contain("invalid_client"));
        var api = _host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken("not.a.token");
        Assert.That((await api.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Introspection_reports_an_active_token_and_revocation_ends_it()
    {
        var disco = await DiscoverAsync();
        var token = await TokenAsync(disco, "muenchen-system", "muenchen-demo-secret-2026");
        Assert.That(token.IsError, Is.False, token.Error);

        var introspection = await _http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint, ClientId = "muenchen-system", ClientSecret = "muenchen-demo-secret-2026", Token = token.AccessToken!,
        });
        Assert.That(introspection.IsError, Is.False, introspection.Error);
        Assert.That(introspection.IsActive, Is.True);

        var api = _host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken(token.AccessToken!);
        Assert.That((await api.GetAsync("/api/v1/municipalities/09162000/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var revocation = await _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint, ClientId = "muenchen-system", ClientSecret = "muenchen-demo-secret-2026", Token = token.AccessToken!,
        });
        Assert.That(revocation.IsError, Is.False, revocation.Error);
        Assert.That((await api.GetAsync("/api/v1/municipalities/09162000/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_client_created_by_the_organisation_admin_works_until_the_admin_deletes_it()
    {
        var admin = await _host.SignedInAsync(DenialMatrix.KomunaAdmin);
        var created = await admin.PostAsJsonAsync("/api/v1/organisations/vendor-komuna-digital/clients", new { displayName = "Katalogpflege", role = "vendor-editor" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = body.GetProperty("clientId").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        // The secret is shown once: the listing does not carry it.
        Assert.That(await admin.GetStringAsync("/api/v1/organisations/vendor-komuna-digital/clients"), Does.Contain(clientId).And.Not.Contain(secret));

        var disco = await DiscoverAsync();
        var token = await TokenAsync(disco, clientId, secret);
        Assert.That(token.IsError, Is.False, token.Error);
        var api = _host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken(token.AccessToken!);
        Assert.That((await api.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That((await admin.DeleteAsync($"/api/v1/organisations/vendor-komuna-digital/clients/{clientId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await api.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await TokenAsync(disco, clientId, secret)).IsError, Is.True);
    }
}
