using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;
using Marketplace.Storage;
using Marketplace.Testing;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Orderability through the host: the API refuses orders of non-conformant, deprecated and retired offerings with a
/// problem naming why in the request's language, the catalogue answers the true lifecycle at once, and the order
/// page explains instead of offering the form.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class OrderabilityApiTests(DatabaseEngine engine)
{
    // No other test orders or changes it: this test deprecates and retires it in the shared host.
    private const string Wahlschein = "wahlschein-online-komuna";

    private static object WahlscheinOrder => new
    {
        offeringId = Wahlschein, planId = "wahl", addOnIds = Array.Empty<string>(),
        configuration = new { behoerde = "Wahlamt", ags = Muenchen, kontaktEmail = "wahl@muenchen.example", wahlverfahren = "verfahren-a" },
    };

    private static async Task<string> OffendingAsync(HttpResponseMessage response)
    {
        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        return problem.GetProperty("errors").GetProperty("offeringId")[0].GetString()!;
    }

    [Test]
    public async Task A_non_conformant_offering_is_refused_naming_why_in_the_requests_language()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var body = new { offeringId = "parkausweis-brightforms", planId = "team", addOnIds = Array.Empty<string>(), configuration = new { } };

        Assert.That(await OffendingAsync(await PlaceAsync(buyer, Muenchen, Key(), body)), Does.Contain("nicht konform").And.Contain("dsgvo-avv"));
        var english = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/orders") { Content = JsonContent.Create(body) };
        english.Headers.Add("Idempotency-Key", Key());
        english.Headers.AcceptLanguage.ParseAdd("en-GB");
        Assert.That(await OffendingAsync(await buyer.SendAsync(english)), Does.Contain("does not conform to required standards (dsgvo-avv)"));

        var page = await buyer.GetStringAsync("/angebote/parkausweis-brightforms/bestellen");
        Assert.That(page, Does.Contain("id=\"not-orderable\"").And.Contain("dsgvo-avv"));
        Assert.That(page, Does.Not.Contain("class=\"order-form\""), "no order form for an offering that cannot be ordered");
    }

    [Test]
    public async Task The_merkliste_refuses_a_non_conformant_offering_by_code_in_the_requests_language()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var english = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/municipalities/{Muenchen}/basket/items/parkausweis-brightforms")
        {
            Content = JsonContent.Create(new { planId = "team", addOnIds = Array.Empty<string>() }),
        };
        english.Headers.AcceptLanguage.ParseAdd("en-GB");
        var problem = await JsonAsync(await buyer.SendAsync(english), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("codes").GetProperty("offeringId")[0].GetString(), Is.EqualTo("order.not-orderable.not-conformant"));
        Assert.That(problem.GetProperty("errors").GetProperty("offeringId")[0].GetString(), Is.EqualTo("the offering does not conform to required standards (dsgvo-avv)"));
    }

    [Test]
    public async Task A_deprecated_and_then_retired_offering_says_so_at_once_and_cannot_be_ordered()
    {
        var host = await SharedHosts.For(engine);
        var vendor = await host.SignedInAsync(DenialMatrix.KomunaAdmin);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var anonymous = host.Browser();
        var before = await JsonAsync(await anonymous.GetAsync($"/api/v1/offerings/{Wahlschein}"), HttpStatusCode.OK);
        Assert.That((before.GetProperty("lifecycle").GetString(), before.GetProperty("orderable").GetBoolean()), Is.EqualTo(("active", true)));

        Assert.That((await vendor.PostAsync($"/api/v1/vendors/komuna-digital/offerings/{Wahlschein}/deprecate", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Asked right away: the in-memory catalogue has not been refreshed yet, the answer is true all the same.
        var deprecated = await JsonAsync(await anonymous.GetAsync($"/api/v1/offerings/{Wahlschein}"), HttpStatusCode.OK);
        Assert.That((deprecated.GetProperty("lifecycle").GetString(), deprecated.GetProperty("orderable").GetBoolean()), Is.EqualTo(("deprecated", false)));
        Assert.That(await OffendingAsync(await PlaceAsync(buyer, Muenchen, Key(), WahlscheinOrder)), Does.Contain("abgekündigt"));
        var page = await buyer.GetStringAsync($"/angebote/{Wahlschein}/bestellen");
        Assert.That(page, Does.Contain("id=\"not-orderable\"").And.Not.Contain("class=\"order-form\""));
        Assert.That(await buyer.GetStringAsync($"/angebote/{Wahlschein}"), Does.Not.Contain($"/angebote/{Wahlschein}/bestellen"), "no order button");

        Assert.That((await vendor.PostAsync($"/api/v1/vendors/komuna-digital/offerings/{Wahlschein}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var retired = await anonymous.GetAsync($"/api/v1/offerings/{Wahlschein}");
        var gone = await JsonAsync(retired, HttpStatusCode.Gone);
        Assert.That(gone.GetProperty("lifecycle").GetString(), Is.EqualTo("retired"));
        Assert.That(await OffendingAsync(await PlaceAsync(buyer, Muenchen, Key(), WahlscheinOrder)), Does.Contain("eingestellt"));
        Assert.That((await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/subscriptions")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var subscriptions = await buyer.GetStringAsync($"/api/v1/municipalities/{Muenchen}/subscriptions");
        Assert.That(subscriptions, Does.Not.Contain(Wahlschein), "nothing was provisioned");
    }
}
