using System.Net;
using Marketplace.Storage;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>Password guessing and token-endpoint abuse are slowed down per client address.</summary>
[NonParallelizable] // counts requests in a one-minute window; slowed down by neighbours, the window could pass mid-test
public class RateLimitTests
{
    [Test]
    public async Task Login_and_token_requests_beyond_the_limit_get_429()
    {
        await using var host = await IdentityHost.StartAsync(DatabaseEngine.Sqlite, new Dictionary<string, string?>
        {
            ["Identity:LoginAttemptsPerMinute"] = "3", ["Identity:TokenRequestsPerMinute"] = "3",
        });
        var browser = host.Browser();
        var form = new Dictionary<string, string> { ["Email"] = "niemand@example.org", ["Password"] = "falsch" };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await IdentityHost.PostFormAsync(browser, "/konto/anmelden", new(form))).StatusCode);
        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That((await browser.GetAsync("/konto/anmelden")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "viewing the form is not limited");

        var http = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        statuses.Clear();
        for (var i = 0; i < 4; i++)
            statuses.Add((await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "komuna-system", ["client_secret"] = "falsch",
            }))).StatusCode);
        Assert.That(statuses[3], Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(statuses[..3], Has.None.EqualTo(HttpStatusCode.TooManyRequests));
    }
}
