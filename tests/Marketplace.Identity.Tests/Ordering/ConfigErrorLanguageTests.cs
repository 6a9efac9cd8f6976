using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// A configuration that breaks the offering's tenantConfigSchema is refused by code ("min-length", "email")
/// and worded in the request's language, on the order page and in the API's problem details alike.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ConfigErrorLanguageTests(DatabaseEngine engine)
{
    private const string Offering = "wohnsitz-efa-ldvt";

    // "behoerde" has minLength 3 in the offering's schema; "kontaktEmail" has format email.
    private static Dictionary<string, string> Configuration => new() { ["behoerde"] = "K", ["kontaktEmail"] = "keine-adresse" };

    [TestCase("de-DE", "mindestens 3 Zeichen", "keine gültige E-Mail-Adresse", "at least 3 characters")]
    [TestCase("en-GB", "at least 3 characters", "not a valid e-mail address", "mindestens 3 Zeichen")]
    public async Task The_order_page_words_schema_errors_in_its_language(string language, string tooShort, string notAnEmail, string otherLanguage)
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var fields = new Dictionary<string, string>
        {
            ["Ags"] = Koeln, ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["PlanId"] = "efa-nachnutzung",
            ["cfg.ags"] = Koeln, ["cfg.fitConnect.zustellpunktId"] = "5d4a3c2b-1f0e-4d9c-8b7a-6f5e4d3c2b1a", ["cfg.fitConnect.umgebung"] = "produktiv",
            ["cfg.beitrittErklaert"] = "true", ["cfg.beitrittErklaert.present"] = "1",
        };
        foreach (var (name, value) in Configuration) fields["cfg." + name] = value;

        var response = await IdentityHost.PostFormAsync(buyer, $"/angebote/{Offering}/bestellen?culture={language}", fields);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("href=\"#field-cfg.behoerde\"").And.Contain("id=\"field-cfg.behoerde-error\""));
        Assert.That(html, Does.Contain(tooShort).And.Contain(notAnEmail));
        Assert.That(html, Does.Not.Contain(otherLanguage));
    }

    [TestCase("de-DE", "mindestens 3 Zeichen", "keine gültige E-Mail-Adresse")]
    [TestCase("en-GB", "at least 3 characters", "not a valid e-mail address")]
    public async Task The_order_API_refuses_schema_errors_with_codes_in_the_request_language(string language, string tooShort, string notAnEmail)
    {
        var host = await SharedHosts.For(engine);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Koeln}/orders")
        {
            Content = JsonContent.Create(new { offeringId = Offering, planId = "efa-nachnutzung", configuration = Configuration }),
        };
        request.Headers.Add("Idempotency-Key", Key());
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await (await host.SignedInAsync(DenialMatrix.KoelnAdmin)).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        var problem = JsonNode.Parse(body)!;
        Assert.That((string?)problem["errors"]!["configuration/behoerde"]![0], Is.EqualTo(tooShort), body);
        Assert.That((string?)problem["codes"]!["configuration/behoerde"]![0], Is.EqualTo("min-length"), body);
        Assert.That((string?)problem["errors"]!["configuration/kontaktEmail"]![0], Is.EqualTo(notAnEmail), body);
        Assert.That((string?)problem["codes"]!["configuration/kontaktEmail"]![0], Is.EqualTo("email"), body);
    }
}
