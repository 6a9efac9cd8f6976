using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Kernel;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The verb routes renamed to nouns: the old address answers 308 Permanent Redirect (method and body kept) to the new one
/// for one release, says so in Deprecation and Link headers, and is not in the OpenAPI document; the new address works.
/// </summary>
public class RenamedRoutesTests
{
    /// <summary>Old concrete URL → the URL it redirects to.</summary>
    public static readonly (string Old, string New)[] Renamed =
    [
        ("/api/v1/vendors/komuna-digital/offerings/o-1/versions/2/submit", "/api/v1/vendors/komuna-digital/offerings/o-1/versions/2/submission"),
        ("/api/v1/vendors/komuna-digital/offerings/o-1/versions/2/publish", "/api/v1/vendors/komuna-digital/offerings/o-1/versions/2/publication"),
        ("/api/v1/billing/periods/2020-01/finalize", "/api/v1/billing/periods/2020-01/finalization"),
        ("/api/v1/billing/invoices/inv-1/finalize", "/api/v1/billing/invoices/inv-1/finalization"),
        ("/api/v1/billing/invoices/inv-1/void", "/api/v1/billing/invoices/inv-1/cancellation"),
        ("/api/v1/municipalities/09162000/subscriptions/s-1/retry", "/api/v1/municipalities/09162000/subscriptions/s-1/retries"),
        ("/api/v1/rollouts/r-1/retry", "/api/v1/rollouts/r-1/retries"),
        ("/api/v1/admin/jobs/j-1/retry", "/api/v1/admin/jobs/j-1/retries"),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        Renamed.Select(r => new TestCaseData(r.Old, r.New).SetName($"POST {r.Old} redirects to {r.New}"));

    [TestCaseSource(nameof(Cases))]
    public async Task The_old_verb_route_answers_308_to_its_noun_with_deprecation_headers(string oldUrl, string newUrl)
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        var response = await browser.PostAsync(oldUrl + "?lang=en", new StringContent("{}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PermanentRedirect));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo(newUrl + "?lang=en"), "the query string travels along");
        Assert.That(response.Headers.GetValues("Deprecation").Single(), Is.EqualTo("@" + RenamedRoutes.Deprecated.ToUnixTimeSeconds()));
        Assert.That(response.Headers.GetValues("Link").Single(), Is.EqualTo($"<{newUrl}>; rel=\"successor-version\""));
    }

    [TestCase("abgleich")]
    [TestCase("aufgaben")]
    [TestCase("bestellungen")]
    public async Task An_old_vendor_page_address_answers_308_to_the_page_in_the_vendor_portal(string page)
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var response = await browser.SendAsync(new HttpRequestMessage(method, $"/anbieter/{page}?lang=en"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PermanentRedirect), method.Method);
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/anbieterportal/{page}?lang=en"), method.Method);
            Assert.That(response.Headers.GetValues("Link").Single(), Is.EqualTo($"</anbieterportal/{page}>; rel=\"successor-version\""));
        }
        var vendor = await host.SignedInAsync(KomunaAdmin);
        var followed = await vendor.GetAsync((await vendor.GetAsync($"/anbieter/{page}")).Headers.Location);
        Assert.That(followed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page now lives in the vendor portal");
    }

    [Test]
    public async Task A_client_following_the_redirect_reaches_the_new_route_with_its_method_and_authorisation()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        var platform = await host.SignedInAsync(PlatformAdmin);
        var redirect = await platform.PostAsync("/api/v1/billing/periods/2020-01/finalize", null);
        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.PermanentRedirect));

        var followed = await platform.PostAsync(redirect.Headers.Location, null);
        Assert.That(followed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await followed.Content.ReadAsStringAsync());
        Assert.That(JsonNode.Parse(await followed.Content.ReadAsStringAsync())!["finalized"], Is.Not.Null);

        // The redirect itself grants nothing: whoever the new route refuses is refused after following it.
        var viewer = await host.SignedInAsync(MuenchenViewer);
        var refused = await viewer.PostAsync((await viewer.PostAsync("/api/v1/billing/periods/2020-01/finalize", null)).Headers.Location, null);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task The_OpenAPI_document_names_the_noun_routes_and_not_the_verb_routes()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        var paths = JsonNode.Parse(await browser.GetStringAsync("/swagger/v1/swagger.json"))!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.That(paths, Does.Contain("/api/v1/vendors/{vendorId}/offerings/{offeringId}/versions/{version}/submission"));
        Assert.That(paths, Does.Contain("/api/v1/billing/invoices/{invoiceId}/cancellation"));
        Assert.That(paths, Does.Contain("/api/v1/admin/jobs/{jobId}/retries"));
        Assert.That(paths.Where(p => System.Text.RegularExpressions.Regex.IsMatch(p, "/(submit|publish|finalize|void|retry)$")), Is.Empty);
    }
}
