using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The web UI's flow: authorization code with PKCE through the sign-in cookie, then refresh and revocation.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class AuthorizationCodeTests(DatabaseEngine engine)
{
    private const string RedirectUri = "https://localhost/callback";

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32);
        var challenge = Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    private static string AuthorizeUrl(string challenge) => new RequestUrl("/connect/authorize").CreateAuthorizeUrl(
        clientId: "marketplace-web", responseType: "code", scope: "openid profile email offline_access marketplace", redirectUri: RedirectUri,
        state: "s1", codeChallenge: challenge, codeChallengeMethod: "S256");

    [Test]
    public async Task A_signed_in_user_gets_a_code_exchanges_it_with_the_verifier_and_refreshes()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var (verifier, challenge) = Pkce();

        var authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        Assert.That(authorize.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await authorize.Content.ReadAsStringAsync());
        var callback = authorize.Headers.Location!;
        Assert.That(callback.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
        var code = HttpUtility.ParseQueryString(callback.Query)["code"];
        Assert.That(code, Is.Not.Null.And.Not.Empty);

        var http = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        var wrongVerifier = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token", ClientId = "marketplace-web", Code = code!, RedirectUri = RedirectUri, CodeVerifier = Pkce().Verifier,
        });
        Assert.That(wrongVerifier.IsError, Is.True, "PKCE: a code without its verifier is worthless");

        // The code was burnt by the failed attempt; a new one is exchanged properly.
        authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        code = HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"];
        var token = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token", ClientId = "marketplace-web", Code = code!, RedirectUri = RedirectUri, CodeVerifier = verifier,
        });
        Assert.That(token.IsError, Is.False, token.Error);
        Assert.That(token.IdentityToken, Is.Not.Null);
        Assert.That(token.RefreshToken, Is.Not.Null);

        var api = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken(token.AccessToken!);
        Assert.That(await api.GetStringAsync("/api/v1/organisations/me"), Does.Contain("lesen@muenchen.example").And.Contain("09162000"));

        var refreshed = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token", ClientId = "marketplace-web", RefreshToken = token.RefreshToken!,
        });
        Assert.That(refreshed.IsError, Is.False, refreshed.Error);

        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke", ClientId = "marketplace-web", Token = refreshed.RefreshToken!, TokenTypeHint = "refresh_token",
        });
        Assert.That(revoked.IsError, Is.False, revoked.Error);
        var afterRevocation = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token", ClientId = "marketplace-web", RefreshToken = refreshed.RefreshToken!,
        });
        Assert.That(afterRevocation.IsError, Is.True, "a revoked refresh token is refused");
    }

    [Test]
    public async Task Without_the_sign_in_cookie_the_authorize_endpoint_sends_the_browser_to_sign_in()
    {
        var host = await SharedHosts.For(engine);
        var response = await host.Browser().GetAsync(AuthorizeUrl(Pkce().Challenge));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.Contain("/konto/anmelden").And.Contain("ReturnUrl=%2Fconnect%2Fauthorize"));
    }
}
