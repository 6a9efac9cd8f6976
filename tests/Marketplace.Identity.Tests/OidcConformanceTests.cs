using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The OpenID Connect server as the specifications say (OIDC Core, RFC 6749/6750/7662, RP-Initiated Logout) and the
/// login page's and tokens' protections from the attack review (issue 15, findings 7, 15, 17-20).
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class OidcConformanceTests(DatabaseEngine engine)
{
    private const string RedirectUri = "https://localhost/callback";
    private const string Client = "marketplace-web";

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32);
        return (verifier, Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string AuthorizeUrl(string scope, string? challenge, string method = "S256", string redirectUri = RedirectUri) =>
        new RequestUrl("/connect/authorize").CreateAuthorizeUrl(clientId: Client, responseType: "code", scope: scope, redirectUri: redirectUri,
            state: "s1", codeChallenge: challenge, codeChallengeMethod: challenge is null ? null : method);

    /// <summary>Signs a browser in through the form (a fresh one, not the host's cached clients: some tests sign out).</summary>
    private static async Task<HttpClient> SignInAsync(IdentityHost host, string email, string password = DemoSeeder.Password)
    {
        var browser = host.Browser();
        var response = await IdentityHost.PostFormAsync(browser, "/konto/anmelden", new() { ["Email"] = email, ["Password"] = password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"login of {email}");
        return browser;
    }

    private static async Task<TokenResponse> TokensAsync(IdentityHost host, HttpClient browser, string scope)
    {
        var (verifier, challenge) = Pkce();
        var authorize = await browser.GetAsync(AuthorizeUrl(scope, challenge));
        Assert.That(authorize.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await authorize.Content.ReadAsStringAsync());
        var code = HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"];
        Assert.That(code, Is.Not.Null, authorize.Headers.Location.ToString());
        var token = await Http(host).RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token", ClientId = Client, Code = code!, RedirectUri = RedirectUri, CodeVerifier = verifier,
        });
        Assert.That(token.IsError, Is.False, token.Error);
        return token;
    }

    private static HttpClient Http(IdentityHost host) => host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });

    private static HttpClient Bearer(IdentityHost host, string accessToken)
    {
        var api = Http(host);
        api.SetBearerToken(accessToken);
        return api;
    }

    private async Task<(string Id, string Email)> NewUserAsync(IdentityHost host, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@muenchen.example";
        await using var scope = host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateUserAsync(DemoSeeder.Muenchen, email, "Test " + role, role, DemoSeeder.Password, null, Actor.System);
        return (user.Id, email);
    }

    [Test]
    public async Task Discovery_lists_the_claims_it_issues_and_offers_only_S256()
    {
        var host = await SharedHosts.For(engine);
        using var doc = JsonDocument.Parse(await Http(host).GetStringAsync("/.well-known/openid-configuration"));
        var claims = doc.RootElement.GetProperty("claims_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(claims, Is.SupersetOf(new[] { "sub", "name", "email", "role", "org", "org_kind", "ags", "vendor" }));
        var methods = doc.RootElement.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(methods, Is.EqualTo(new[] { "S256" }));
    }

    [Test]
    public async Task A_plain_code_challenge_is_refused_and_the_error_goes_back_to_the_client_with_its_state()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var (verifier, _) = Pkce();
        var response = await browser.GetAsync(AuthorizeUrl("openid", verifier, method: "plain"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.That(query["code"], Is.Null, "no code for a plain challenge");
        Assert.That(query["error"], Is.EqualTo("invalid_request"));
        Assert.That(query["state"], Is.EqualTo("s1"));
    }

    [Test]
    public async Task Authorization_errors_go_to_a_registered_redirect_uri_but_never_to_an_unregistered_one()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);

        var missingChallenge = await browser.GetAsync(AuthorizeUrl("openid", challenge: null));
        Assert.That(missingChallenge.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await missingChallenge.Content.ReadAsStringAsync());
        Assert.That(missingChallenge.Headers.Location!.GetLeftPart(UriPartial.Path), Is.EqualTo(RedirectUri));
        Assert.That(HttpUtility.ParseQueryString(missingChallenge.Headers.Location.Query)["error"], Is.EqualTo("invalid_request"));

        var unknownScope = await browser.GetAsync(AuthorizeUrl("openid erfunden", Pkce().Challenge));
        Assert.That(HttpUtility.ParseQueryString(unknownScope.Headers.Location?.Query ?? "")["error"], Is.EqualTo("invalid_scope"));

        var foreign = await browser.GetAsync(AuthorizeUrl("openid", challenge: null, redirectUri: "https://angreifer.example/callback"));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "an unregistered redirect URI gets the error page, not the error");
        Assert.That(foreign.Headers.Location, Is.Null);
    }

    [Test]
    public async Task Userinfo_answers_name_and_email_only_for_the_profile_and_email_scopes()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);

        var bare = await TokensAsync(host, browser, "openid");
        using (var info = JsonDocument.Parse(await Bearer(host, bare.AccessToken!).GetStringAsync("/connect/userinfo")))
        {
            Assert.That(info.RootElement.TryGetProperty("sub", out _), Is.True);
            Assert.That(info.RootElement.TryGetProperty("name", out _), Is.False, "name needs the profile scope");
            Assert.That(info.RootElement.TryGetProperty("email", out _), Is.False, "email needs the email scope");
        }

        var full = await TokensAsync(host, browser, "openid profile email");
        using var all = JsonDocument.Parse(await Bearer(host, full.AccessToken!).GetStringAsync("/connect/userinfo"));
        Assert.That(all.RootElement.GetProperty("name").GetString(), Is.EqualTo("Jonas Maier"));
        Assert.That(all.RootElement.GetProperty("email").GetString(), Is.EqualTo(DenialMatrix.MuenchenViewer));
    }

    [Test]
    public async Task The_API_takes_a_user_token_only_with_the_marketplace_scope()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);

        var withoutScope = await TokensAsync(host, browser, "openid profile");
        Assert.That((await Bearer(host, withoutScope.AccessToken!).GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var withScope = await TokensAsync(host, browser, "openid marketplace");
        Assert.That((await Bearer(host, withScope.AccessToken!).GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_client_credentials_token_without_a_scope_parameter_gets_the_API_scope()
    {
        var host = await SharedHosts.For(engine);
        var token = await Http(host).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token", ClientId = "muenchen-system", ClientSecret = "muenchen-demo-secret-2026",
        });
        Assert.That(token.IsError, Is.False, token.Error);
        Assert.That((await Bearer(host, token.AccessToken!).GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_API_401_names_the_bearer_scheme()
    {
        var host = await SharedHosts.For(engine);
        var response = await Http(host).GetAsync("/api/v1/organisations/me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));

        var invalid = await Bearer(host, "kein-token").GetAsync("/api/v1/organisations/me");
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(invalid.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));
    }

    [Test]
    public async Task A_refresh_token_is_dead_right_after_it_was_rotated()
    {
        var host = await SharedHosts.For(engine);
        var browser = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var first = await TokensAsync(host, browser, "openid offline_access marketplace");
        var request = new RefreshTokenRequest { Address = "/connect/token", ClientId = Client, RefreshToken = first.RefreshToken! };
        var rotated = await Http(host).RequestRefreshTokenAsync(request);
        Assert.That(rotated.IsError, Is.False, rotated.Error);
        Assert.That(rotated.RefreshToken, Is.Not.EqualTo(first.RefreshToken));

        var replay = await Http(host).RequestRefreshTokenAsync(new RefreshTokenRequest { Address = "/connect/token", ClientId = Client, RefreshToken = first.RefreshToken! });
        Assert.That(replay.IsError, Is.True, "the previous refresh token is refused at once");
        Assert.That(replay.Error, Is.EqualTo("invalid_grant"));
    }

    [Test]
    public async Task Introspection_tells_only_the_token_own_client_about_it()
    {
        var host = await SharedHosts.For(engine);
        var token = await Http(host).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token", ClientId = "muenchen-system", ClientSecret = "muenchen-demo-secret-2026", Scope = "marketplace",
        });
        Assert.That(token.IsError, Is.False, token.Error);

        var foreign = await Http(host).IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "/connect/introspect", ClientId = "komuna-system", ClientSecret = "komuna-demo-secret-2026", Token = token.AccessToken!,
        });
        Assert.That(foreign.IsActive, Is.False, "another organisation's client learns nothing");
        Assert.That(foreign.Claims.Select(c => c.Type), Has.None.EqualTo("sub").And.None.EqualTo("client_id"));

        var own = await Http(host).IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "/connect/introspect", ClientId = "muenchen-system", ClientSecret = "muenchen-demo-secret-2026", Token = token.AccessToken!,
        });
        Assert.That(own.IsError, Is.False, own.Error);
        Assert.That(own.IsActive, Is.True);
    }

    [Test]
    public async Task Logout_without_id_token_hint_asks_first_and_completes_after_the_confirmation()
    {
        var host = await SharedHosts.For(engine);
        var browser = await SignInAsync(host, DenialMatrix.MuenchenViewer);

        var logout = await browser.GetAsync("/connect/logout?state=x1");
        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var confirmation = logout.Headers.Location!.ToString();
        Assert.That(confirmation, Does.StartWith("/konto/abmelden?ReturnUrl=%2Fconnect%2Flogout"));
        Assert.That((await browser.GetAsync("/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a foreign page's GET signs nobody out");

        var confirmed = await IdentityHost.PostFormAsync(browser, confirmation, []);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(confirmed.Headers.Location!.ToString(), Does.StartWith("/connect/logout?state=x1"));
        var completed = await browser.GetAsync(confirmed.Headers.Location);
        Assert.That(completed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await completed.Content.ReadAsStringAsync());
        Assert.That((await browser.GetAsync("/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed out");
    }

    [Test]
    public async Task Logout_with_the_user_own_id_token_signs_out_at_once_and_with_another_user_token_asks()
    {
        var host = await SharedHosts.For(engine);
        var viewer = await SignInAsync(host, DenialMatrix.MuenchenViewer);
        var koeln = await SignInAsync(host, DenialMatrix.KoelnAdmin);
        var koelnToken = await TokensAsync(host, koeln, "openid");

        var foreignHint = await viewer.GetAsync("/connect/logout?id_token_hint=" + Uri.EscapeDataString(koelnToken.IdentityToken!));
        Assert.That(foreignHint.Headers.Location!.ToString(), Does.StartWith("/konto/abmelden"), "someone else's ID token proves nothing");
        Assert.That((await viewer.GetAsync("/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var ownHint = await koeln.GetAsync("/connect/logout?id_token_hint=" + Uri.EscapeDataString(koelnToken.IdentityToken!));
        Assert.That(ownHint.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(ownHint.Headers.Location!.ToString(), Does.Not.Contain("/konto/abmelden"));
        Assert.That((await koeln.GetAsync("/organisation")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed out");
    }

    [Test]
    public async Task The_login_page_offers_no_external_sign_in_when_none_is_configured()
    {
        var host = await SharedHosts.For(engine);
        var html = await (await host.Browser().GetAsync("/konto/anmelden")).Content.ReadAsStringAsync();
        Assert.That(html, Does.Not.Contain("UI cookie or bearer token"));
        Assert.That(html, Does.Not.Contain("handler=Extern"));
    }

    [Test]
    public async Task A_locked_account_hears_exactly_what_a_wrong_password_hears()
    {
        var host = await SharedHosts.For(engine);
        var (_, email) = await NewUserAsync(host, "buyer-viewer");
        var browser = host.Browser();
        string wrong = "";
        for (var i = 0; i < 5; i++)
            wrong = await (await IdentityHost.PostFormAsync(browser, "/konto/anmelden", new() { ["Email"] = email, ["Password"] = "Falsches-Passwort-1" }))
                .Content.ReadAsStringAsync();
        var locked = await IdentityHost.PostFormAsync(browser, "/konto/anmelden", new() { ["Email"] = email, ["Password"] = DemoSeeder.Password });
        Assert.That(locked.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the right password does not get in while locked");
        var html = await locked.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("E-Mail-Adresse oder Passwort ist falsch."));
        Assert.That(html, Does.Not.Contain("gesperrt"));
        Assert.That(wrong, Does.Contain("E-Mail-Adresse oder Passwort ist falsch."));
    }

    [Test]
    public async Task Role_change_removal_and_lockout_end_the_user_bearer_tokens_at_once()
    {
        var host = await SharedHosts.For(engine);
        var admin = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        foreach (var action in new[] { "role", "removal", "lockout" })
        {
            var (id, email) = await NewUserAsync(host, "buyer-viewer");
            var tokens = await TokensAsync(host, await SignInAsync(host, email), "openid offline_access marketplace");
            var api = Bearer(host, tokens.AccessToken!);
            Assert.That((await api.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), action);

            switch (action)
            {
                case "role":
                    var changed = await admin.PutAsync($"/api/v1/organisations/{DemoSeeder.Muenchen}/users/{id}/role",
                        new StringContent("{\"role\":\"buyer-admin\"}", Encoding.UTF8, "application/json"));
                    Assert.That(changed.IsSuccessStatusCode, Is.True, await changed.Content.ReadAsStringAsync());
                    break;
                case "removal":
                    var removed = await admin.DeleteAsync($"/api/v1/organisations/{DemoSeeder.Muenchen}/users/{id}");
                    Assert.That(removed.IsSuccessStatusCode, Is.True, await removed.Content.ReadAsStringAsync());
                    break;
                default:
                    for (var i = 0; i < 5; i++)
                        await IdentityHost.PostFormAsync(host.Browser(), "/konto/anmelden", new() { ["Email"] = email, ["Password"] = "Falsches-Passwort-1" });
                    break;
            }

            Assert.That((await api.GetAsync("/api/v1/organisations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{action}: the access token is dead");
            var refresh = await Http(host).RequestRefreshTokenAsync(new RefreshTokenRequest { Address = "/connect/token", ClientId = Client, RefreshToken = tokens.RefreshToken! });
            Assert.That(refresh.IsError, Is.True, $"{action}: the refresh token is dead");
        }
    }
}

/// <summary>Production settings of the host (issue 15, finding 14), on a host of their own; engine-independent.</summary>
public class ProductionSettingsTests
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await IdentityHost.StartAsync(DatabaseEngine.Sqlite, new Dictionary<string, string?>
    {
        // As the Kubernetes manifest had it: forwarded headers on, from anyone.
        ["FORWARDEDHEADERS_ENABLED"] = "true",
        ["Identity:PublicBaseUrl"] = "",
        ["Identity:Server:Issuer"] = "https://marktplatz.example/",
        ["https_port"] = "443",
    });

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task Swagger_UI_is_off_and_metrics_need_a_platform_admin()
    {
        var anonymous = _host.Browser();
        Assert.That((await anonymous.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the API description stays public");
        var metrics = await anonymous.GetAsync("/metrics");
        Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a scraper gets a status, not the login page");
        Assert.That(metrics.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));
        var viewer = await _host.SignedInAsync(DenialMatrix.MuenchenViewer);
        Assert.That((await viewer.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var platform = await _host.SignedInAsync(DenialMatrix.PlatformAdmin);
        Assert.That((await platform.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Plain_HTTP_is_redirected_and_HTTPS_answers_carry_HSTS()
    {
        var plain = _host.CreateClient(new() { BaseAddress = new Uri("http://marktplatz.example"), AllowAutoRedirect = false });
        var response = await plain.GetAsync("/angebote");
        Assert.That((int)response.StatusCode, Is.EqualTo(307));
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo("https://marktplatz.example/angebote"));
        var secure = _host.CreateClient(new() { BaseAddress = new Uri("https://marktplatz.example") });
        Assert.That((await secure.GetAsync("/angebote")).Headers.Contains("Strict-Transport-Security"), Is.True);
    }

    [Test]
    public async Task Invitation_links_take_the_configured_address_not_the_Host_header()
    {
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var email = $"neu-{Guid.NewGuid():N}@muenchen.example";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/organisations/{DemoSeeder.Muenchen}/invitations")
        {
            Content = new StringContent($"{{\"email\":\"{email}\",\"role\":\"buyer-viewer\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "angreifer.example";
        var response = await admin.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        var mail = Directory.GetFiles(_host.MailFolder).Select(File.ReadAllText).Single(m => m.Contains(email));
        Assert.That(mail, Does.Contain("https://marktplatz.example/konto/einladung"));
        Assert.That(mail, Does.Not.Contain("angreifer.example"));
    }

    [Test]
    public void Forwarded_headers_are_believed_only_from_loopback_when_no_proxy_is_configured()
    {
        // The per-address login limit partitions by the client address; a believed X-Forwarded-For would choose it.
        var options = _host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Assert.That(options.KnownIPNetworks, Is.Empty);
        Assert.That(options.KnownProxies, Is.EquivalentTo(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }));
        Assert.That(options.ForwardLimit, Is.EqualTo(1));
    }

    [Test]
    public async Task Configured_proxies_are_the_only_ones_believed()
    {
        await using var host = await IdentityHost.StartAsync(DatabaseEngine.Sqlite, new Dictionary<string, string?>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true", ["Hosting:KnownNetworks:0"] = "10.42.0.0/16", ["Hosting:KnownProxies:0"] = "10.0.0.7",
        });
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Assert.That(options.KnownProxies, Is.EquivalentTo(new[] { IPAddress.Parse("10.0.0.7") }));
        Assert.That(options.KnownIPNetworks.Select(n => n.ToString()), Is.EquivalentTo(new[] { "10.42.0.0/16" }));
    }
}
