using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Base of the signed-in journeys: a fresh host (own database, demo accounts, embedded
/// broker) for every test, so journeys do not see each other's orders.
/// </summary>
[NonParallelizable]
public abstract class JourneyTests
{
    public const string Muenchen = "09162000";

    protected BrowserHost Host { get; private set; } = null!;

    [SetUp]
    public async Task StartHost() => Host = await BrowserHost.StartAsync(withAccounts: true);

    [TearDown]
    public async Task StopHost() => await Host.DisposeAsync();

    protected Task<Journey> StartAsync(string language, int width) => Journey.StartAsync(BrowserSession.Browser, Host, language, width);

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>A machine client with a client-credentials token, as a vendor's or a municipality's system calls the API.</summary>
    protected async Task<HttpClient> SystemClientAsync(string clientId, string secret)
    {
        var http = new HttpClient { BaseAddress = new Uri(Host.BaseUrl) };
        var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "marketplace",
        }));
        var body = await token.Content.ReadAsStringAsync();
        Assert.That(token.IsSuccessStatusCode, Is.True, body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return http;
    }

    /// <summary>The vendor's system reports usage of a subscription now (on the host's clock, so not before it became billable); the event must be accepted.</summary>
    protected async Task ReportUsageAsync(string subscriptionId, string dimension, long quantity)
    {
        using var vendor = await SystemClientAsync("komuna-system", "komuna-demo-secret-2026");
        var response = await vendor.PostAsJsonAsync("/api/v1/usage", new
        {
            events = new[] { new { eventId = Guid.NewGuid().ToString(), subscriptionId, dimension, quantity, timestamp = Host.Clock.GetUtcNow() } },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, text);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("events")[0].GetProperty("status").GetString(), Is.EqualTo("accepted"), text);
    }
}
