using System.Net;
using Dapper;
using Duende.IdentityModel.Client;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>Signing and encryption keys (and the Data Protection key ring under them) live in the database, not in the process.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[Category("Slow")]
public class RestartTests(DatabaseEngine engine)
{
    [Test]
    public async Task A_token_issued_before_a_restart_validates_after_it()
    {
        // A copy of the seeded template: the keys in it were made by the template's host at its start, in another process life.
        var database = await IdentityHost.SeededDatabaseAsync(engine);
        var first = IdentityHost.Start(database, catalogSeeded: true);
        string accessToken, jwks;
        try
        {
            var http = first.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
            var disco = await http.GetDiscoveryDocumentAsync(IdentityHost.BaseAddress.ToString());
            Assert.That(disco.IsError, Is.False, disco.Error);
            var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            {
                Address = disco.TokenEndpoint, ClientId = "komuna-system", ClientSecret = "komuna-demo-secret-2026", Scope = "marketplace",
            });
            Assert.That(token.IsError, Is.False, token.Error);
            accessToken = token.AccessToken!;
            jwks = await http.GetStringAsync("/.well-known/jwks");
        }
        finally
        {
            await first.StopAsync();
        }

        await using var second = IdentityHost.Start(database, catalogSeeded: true);
        var api = second.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        Assert.That(await api.GetStringAsync("/.well-known/jwks"), Is.EqualTo(jwks), "the same signing key after the restart");
        api.SetBearerToken(accessToken);
        var response = await api.GetAsync("/api/v1/organisations/me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_server_keys_are_made_at_start_up_not_at_the_first_token_request()
    {
        // The template's host only started and stopped: no token was asked for, yet both keys are there.
        await using var database = await IdentityHost.SeededDatabaseAsync(engine);
        await using var c = database.Database.Create();
        var purposes = await c.QueryAsync<string>("SELECT purpose FROM server_keys ORDER BY purpose");
        Assert.That(purposes, Is.EqualTo(new[] { "encryption", "signing" }));
    }
}
