using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A relying party on another origin signs a user in through the marketplace in Chromium: authorization code with
/// PKCE, the login form in between. Chromium applies the login page's CSP form-action to the redirects after the
/// form's POST, so this fails when the client's origin is not allowed there.
/// </summary>
[NonParallelizable]
public sealed class RelyingPartyTests
{
    [Test]
    public async Task A_client_on_another_origin_gets_its_code_after_the_login_form_and_exchanges_it()
    {
        var rpOrigin = $"http://127.0.0.1:{BrowserHost.FreePort()}";
        await using var host = await BrowserHost.StartAsync(withAccounts: true, new Dictionary<string, string>
        {
            ["Identity:Server:WebClientRedirectUris:0"] = rpOrigin + "/callback",
        });
        Assert.That(new Uri(host.BaseUrl).GetLeftPart(UriPartial.Authority), Is.Not.EqualTo(rpOrigin), "the client must be on another origin");
        await using var rp = await RelyingParty.StartAsync(rpOrigin, host.BaseUrl);
        // The server's keys are made at the first OpenID Connect request; on a busy machine that alone can take a minute.
        using (var warm = new HttpClient { Timeout = TimeSpan.FromMinutes(5) })
            Assert.That(await warm.GetStringAsync(host.BaseUrl + "/.well-known/openid-configuration"), Does.Contain("authorization_endpoint"));

        await using var context = await BrowserSession.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE" });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync(rpOrigin + "/");
        Assert.That(page.Url, Does.StartWith(host.BaseUrl + "/konto/anmelden"), "not signed in: the marketplace asks first");
        await page.Locator("#field-Email").FillAsync("einkauf@muenchen.example");
        await page.Locator("#field-Password").FillAsync(BrowserHost.Password);
        await page.Locator("main button[type=submit]").First.ClickAsync();

        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("signed in: Petra Huber", new() { Timeout = 120_000 });
        Assert.That(page.Url, Does.StartWith(rpOrigin + "/callback"));
        Assert.That(rp.Exchanges, Is.EqualTo(1));
    }

    /// <summary>
    /// A minimal confidential-free (public) client as a certified library would act: state and S256 challenge per
    /// attempt, the callback checks state and issuer (RFC 9207) and refuses anything else, then exchanges the code with
    /// its verifier on the back channel and reads userinfo with the access token.
    /// </summary>
    private sealed class RelyingParty : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, string> _verifiers = new();
        private int _exchanges;

        private RelyingParty(WebApplication app) => _app = app;

        public int Exchanges => _exchanges;

        public static async Task<RelyingParty> StartAsync(string origin, string issuer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(origin);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var rp = new RelyingParty(app);
            var redirectUri = origin + "/callback";
            var http = new HttpClient { BaseAddress = new Uri(issuer) };

            app.MapGet("/", () =>
            {
                var state = Base64Url(RandomNumberGenerator.GetBytes(16));
                var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
                rp._verifiers[state] = verifier;
                var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                return Results.Redirect(QueryHelpers.AddQueryString(issuer.TrimEnd('/') + "/connect/authorize", new Dictionary<string, string?>
                {
                    ["client_id"] = "marketplace-web", ["response_type"] = "code", ["scope"] = "openid profile marketplace",
                    ["redirect_uri"] = redirectUri, ["state"] = state, ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
                }));
            });
            app.MapGet("/callback", async (HttpRequest request) =>
            {
                var q = request.Query;
                if (q.ContainsKey("error")) return Page($"error: {q["error"]}");
                if (!rp._verifiers.TryRemove(q["state"].ToString(), out var verifier)) return Page("error: unknown state");
                if (q["iss"].ToString().TrimEnd('/') != issuer.TrimEnd('/')) return Page("error: wrong issuer");
                var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code", ["code"] = q["code"].ToString(), ["redirect_uri"] = redirectUri,
                    ["client_id"] = "marketplace-web", ["code_verifier"] = verifier,
                }));
                if (token.StatusCode != HttpStatusCode.OK) return Page($"error: token {(int)token.StatusCode} {await token.Content.ReadAsStringAsync()}");
                Interlocked.Increment(ref rp._exchanges);
                using var tokens = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
                using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
                userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.RootElement.GetProperty("access_token").GetString());
                using var info = JsonDocument.Parse(await (await http.SendAsync(userinfo)).Content.ReadAsStringAsync());
                return Page("signed in: " + info.RootElement.GetProperty("name").GetString());
            });
            await app.StartAsync();
            return rp;
        }

        private static IResult Page(string result) =>
            Results.Content($"<!doctype html><html lang=\"en\"><title>RP</title><p id=\"result\">{WebUtility.HtmlEncode(result)}</p></html>", "text/html");

        private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
