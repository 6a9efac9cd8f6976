using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The kernel's refusals (not found, forbidden, invalid field) answered by its one exception handler: the problem's title
/// and detail in the request's language, worded from the refusal's code, the same for every module.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class RefusalProblemTests(DatabaseEngine engine)
{
    private const string Muenchen = "09162000";

    private async Task<(HttpStatusCode Status, JsonNode Problem, string? MediaType)> SendAsync(string who, HttpMethod method, string url, string language, object? body = null)
    {
        var host = await SharedHosts.For(engine);
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await (await host.SignedInAsync(who)).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!, response.Content.Headers.ContentType?.MediaType);
    }

    [TestCase("de-DE", "Nicht gefunden", "Das gibt es nicht, oder es ist nicht Ihres.")]
    [TestCase("en-GB", "Not found", "This does not exist, or it is not yours.")]
    public async Task An_unknown_subscription_is_a_404_problem_in_the_request_language(string language, string title, string detail)
    {
        var (status, problem, mediaType) = await SendAsync(MuenchenAdmin, HttpMethod.Get, $"/api/v1/municipalities/{Muenchen}/subscriptions/no-such-subscription", language);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound), problem.ToJsonString());
        Assert.That(mediaType, Is.EqualTo("application/problem+json"));
        Assert.That((string?)problem["title"], Is.EqualTo(title));
        Assert.That((string?)problem["detail"], Is.EqualTo(detail));
        Assert.That((int?)problem["status"], Is.EqualTo(404));
    }

    [TestCase("de-DE", "Nicht erlaubt", "Nur wer für die Kommune bestellen darf")]
    [TestCase("en-GB", "Not allowed", "Only those who may order for the municipality")]
    public async Task A_viewer_rating_an_offering_is_a_403_problem_with_the_reason_in_the_request_language(string language, string title, string reason)
    {
        var (status, problem, _) = await SendAsync(MuenchenViewer, HttpMethod.Put, $"/api/v1/offerings/abfall-app-deichgraf/ratings/{Muenchen}", language,
            new { stars = 4, comment = "Läuft." });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), problem.ToJsonString());
        Assert.That((string?)problem["title"], Is.EqualTo(title));
        Assert.That((string?)problem["detail"], Does.StartWith(reason));
    }

    [TestCase("/api/v1/municipalities/" + Muenchen + "/invoices", "200", "de-DE")]
    [TestCase("/api/v1/municipalities/" + Muenchen + "/invoices", "200", "en-GB")]
    [TestCase("/api/v1/me/notifications", "200", "de-DE")]
    [TestCase("/api/v1/me/notifications", "200", "en-GB")]
    public async Task A_page_out_of_range_is_refused_at_limit_and_offset_with_codes_in_the_request_language(string list, string max, string language)
    {
        var (status, problem, _) = await SendAsync(MuenchenAdmin, HttpMethod.Get, list + "?limit=0&offset=-1", language);
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        var en = language.StartsWith("en");
        Assert.That((string?)problem["title"], Is.EqualTo(en ? "Invalid input" : "Ungültige Eingabe"));
        Assert.That((string?)problem["errors"]!["limit"]![0], Is.EqualTo(en ? $"between 1 and {max}" : $"zwischen 1 und {max}"));
        Assert.That((string?)problem["errors"]!["offset"]![0], Is.EqualTo(en ? "not negative" : "nicht negativ"));
        Assert.That((string?)problem["codes"]!["limit"]![0], Is.EqualTo("page.limit"));
        Assert.That((string?)problem["codes"]!["offset"]![0], Is.EqualTo("page.offset"));
    }
}
