using System.Net.Http.Json;
using System.Text.Json;
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
}
