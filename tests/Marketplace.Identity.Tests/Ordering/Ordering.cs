using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>Requests the ordering tests send. Each test orders an offering no other test orders for the same municipality.</summary>
internal static class Ordering
{
    public const string Muenchen = "09162000";
    public const string Koeln = "05315000";
    public const string Potsdam = "12054000";

    public static object Config(string behoerde) => new { behoerde, kontaktEmail = "fachbereich@kommune.example" };

    public static object Order(string offeringId, string planId, string behoerde = "Bürgeramt") =>
        new { offeringId, planId, addOnIds = Array.Empty<string>(), configuration = Config(behoerde) };

    public static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, string ags, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{ags}/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        return JsonDocument.Parse(text).RootElement;
    }

    public static string Key() => "test-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Posts a combined order form (bundle, Merkliste) whose first offering the municipality already has, in German and in
    /// English: the page answers, and says so at that offering (where the error summary links to) in its language.
    /// </summary>
    public static async Task AssertAlreadySubscribedAtFirstOfferingAsync(HttpClient client, string page, Func<Dictionary<string, string>> fields)
    {
        var german = await IdentityHost.PostFormAsync(client, page, fields());
        var html = await german.Content.ReadAsStringAsync();
        Assert.That(german.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("href=\"#field-offering0\"").And.Contain("id=\"field-offering0\""), "the error links to the offering it is about");
        Assert.That(html, Does.Contain("bereits abonniert (Zustand beantragt)"));

        var english = await IdentityHost.PostFormAsync(client, page + (page.Contains('?') ? "&" : "?") + "culture=en-GB", fields());
        var text = await english.Content.ReadAsStringAsync();
        Assert.That(english.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text, Does.Contain("already subscribed (state requested)").And.Not.Contain("bereits abonniert"));
    }

    /// <summary>Polls a JSON resource until the condition holds; the worker runs in the host, so the test waits for it.</summary>
    public static async Task<JsonElement> UntilAsync(HttpClient client, string url, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetFromJsonAsync<JsonElement>(url);
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        Assert.Fail($"{url} did not reach the expected state: {last}");
        return last;
    }

    /// <summary>Imports catalog/ again with every broker offering's URL at the embedded broker (as the provisioning tests do).</summary>
    public static async Task PointBrokerOfferingsAtAsync(Database database, Uri brokerUrl)
    {
        var loaded = CatalogLoader.Load(RepoPaths.Catalog);
        var snapshot = loaded.Snapshot!;
        var pointed = snapshot with
        {
            Offerings = snapshot.Offerings.Select(l => l.Value.Provisioning.Type == "osb"
                ? l with { Value = l.Value with { Provisioning = l.Value.Provisioning with { BrokerUrl = brokerUrl.ToString() } }, ContentHash = l.ContentHash + "-test" }
                : l).ToList(),
        };
        await new CatalogImporter(database).ImportAsync(pointed);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
