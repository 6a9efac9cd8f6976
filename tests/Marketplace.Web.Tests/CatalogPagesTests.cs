using System.Net;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>The browse pages render server-side, in German by default and English on request.</summary>
public class CatalogPagesTests
{
    private MarketplaceFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _factory = await MarketplaceFactory.CreateAsync(DatabaseEngine.Sqlite);
        // No cookie jar and no redirects followed: each test states the language and sees every redirect.
        _client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<string> Page(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), html);
        return html;
    }

    [Test]
    public async Task Home_has_a_search_box_and_the_life_events()
    {
        var html = await Page("/");
        Assert.That(html, Does.Contain("<html lang=\"de\""));
        Assert.That(html, Does.Contain("role=\"search\""));
        Assert.That(html, Does.Contain("Umzug"));
        Assert.That(html, Does.Contain("href=\"#main\""), "skip link");
    }

    [TestCase("/favicon.ico", "image/x-icon")]
    [TestCase("/favicon.svg", "image/svg+xml")]
    [TestCase("/apple-touch-icon.png", "image/png")]
    public async Task The_site_icon_every_browser_asks_for_is_there(string url, string type)
    {
        var response = await _client.GetAsync(url);
        Assert.That((response.StatusCode, response.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.OK, type)));
        Assert.That(await Page("/"), Does.Contain($"href=\"{url}\""), "the layout names it");
    }

    [Test]
    public async Task Results_page_lists_offerings_with_facet_checkboxes_and_counts()
    {
        var html = await Page("/angebote?q=ummeldung");
        Assert.That(html, Does.Contain("Meldeportal Wohnsitz"));
        Assert.That(html, Does.Match("type=\"checkbox\" id=\"f-leistung-10124\""));
        Assert.That(html, Does.Match(@"class=""count"">\(\d+\)"));
    }

    [Test]
    public async Task Selected_filters_stay_checked()
    {
        var html = await Page("/angebote?land=BY");
        Assert.That(html, Does.Match("id=\"f-land-BY\" name=\"land\" value=\"BY\" checked=\"checked\""));
    }

    [Test]
    public async Task A_bad_filter_shows_an_error_summary_linking_to_the_field()
    {
        var html = await Page("/angebote?reifegrad=9", HttpStatusCode.BadRequest);
        Assert.That(html, Does.Contain("class=\"error-summary\""));
        Assert.That(html, Does.Contain("href=\"#field-reifegrad\""));
    }

    [Test]
    public async Task Offering_page_shows_plans_extras_and_configuration()
    {
        var html = await Page("/angebote/meldeportal-komuna");
        Assert.That(html, Does.Contain("Standardpaket"));
        Assert.That(html, Does.Contain("Benötigte Angaben Ihrer Kommune"));
        // Scripts only as files from /js/ (progressive enhancement under the CSP), never inline.
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=\"/js/)"), Is.Empty);
    }

    [Test]
    public async Task Comparison_page_lists_every_competing_offering()
    {
        var html = await Page("/leistungen/10124");
        Assert.That(html, Does.Contain("<table class=\"compare\""));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<th scope=\"row\">").Count, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task Unknown_pages_get_the_friendly_404()
    {
        var html = await Page("/angebote/gibt-es-nicht", HttpStatusCode.NotFound);
        Assert.That(html, Does.Contain("Seite nicht gefunden"));
    }

    [Test]
    public async Task English_is_one_switch_away()
    {
        var switched = await _client.GetAsync("/Sprache?culture=en-GB&returnUrl=%2Fangebote");
        Assert.That(switched.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var cookie = switched.Headers.GetValues("Set-Cookie").Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/angebote");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var html = await (await _client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("<html lang=\"en\""));
        Assert.That(html, Does.Contain("Search offerings"));
    }

    [Test]
    public async Task A_bad_search_parameter_is_explained_in_the_page_language()
    {
        var german = System.Net.WebUtility.HtmlDecode(await Page("/angebote?sort=cheapest", HttpStatusCode.BadRequest));
        Assert.That(german, Does.Contain("Sortierung „cheapest“ ist unbekannt."));
        var switched = await _client.GetAsync("/Sprache?culture=en-GB&returnUrl=%2Fangebote");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/angebote?sort=cheapest");
        request.Headers.Add("Cookie", switched.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        var response = await _client.SendAsync(request);
        var english = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(english, Does.Contain("Unknown sort order 'cheapest'.").And.Not.Contain("Sortierung"));
    }

    [Test]
    public async Task The_language_switch_refuses_foreign_return_urls()
    {
        var response = await _client.GetAsync("/Sprache?culture=en-GB&returnUrl=https%3A%2F%2Fevil.example%2F");
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/"));
    }

    [Test]
    public async Task Search_results_show_conformance_badges_with_their_status_and_the_last_check()
    {
        var html = await Page("/angebote?q=Bauantrag");
        Assert.That(html, Does.Contain("Auftragsverarbeitung nach Art. 28 DSGVO 2016/679: <strong>konform</strong> (vorgeschrieben)"));
        // One seal per orderable offering; the result per standard is behind "Prüfergebnisse je Standard".
        Assert.That(html, Does.Contain("<strong>geprüft</strong> <span class=\"seal-hint\">erfüllt alle Pflichtstandards</span>"));
        Assert.That(html, Does.Contain("<summary>Prüfergebnisse je Standard</summary>"));
        Assert.That(html, Does.Match(@"zuletzt geprüft am \d{2}\.\d{2}\.\d{4}"));
        Assert.That(html, Does.Contain("id=\"f-orderable-true\""));
    }

    [Test]
    public async Task A_non_conformant_offering_says_it_cannot_be_ordered()
    {
        var html = await Page("/angebote/parkausweis-brightforms");
        Assert.That(html, Does.Contain("Dieses Angebot kann derzeit nicht bestellt werden"));
        Assert.That(html, Does.Contain("<strong>nicht konform</strong> (vorgeschrieben)"));
        Assert.That(await Page("/angebote?orderable=false"), Does.Contain("parkausweis-brightforms"));
        Assert.That(await Page("/angebote"), Does.Not.Contain("parkausweis-brightforms"));
    }

    [Test]
    public async Task A_vendor_logo_is_served_as_an_inert_image_and_shown_beside_the_vendor_name()
    {
        var response = await _client.GetAsync("/api/v1/vendors/komuna-digital/logo");
        var svg = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), svg);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/svg+xml"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'").And.Contain("sandbox"));
        Assert.That(svg, Does.StartWith("<svg").And.Contain("Komuna"));

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/vendors/komuna-digital/logo");
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.Tag);
        Assert.That((await _client.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));

        var unknown = await _client.GetAsync("/api/v1/vendors/nobody/logo");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));

        var html = await Page("/angebote?q=Ummeldung");
        Assert.That(html, Does.Contain("<img class=\"vendor-logo\" src=\"/api/v1/vendors/komuna-digital/logo\" alt=\"\""));
    }
}
