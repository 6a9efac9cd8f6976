using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// The Merkliste: a buyer collects offerings of several Leistungen and vendors, sees the combined cost summary and
/// orders them in one order with the shared fields entered once; through the API and through the pages.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class BasketTests(DatabaseEngine engine)
{
    private const string Gaststaette = "gaststaettenerlaubnis-alpenstadt"; // alpenstadt-govtech
    private const string Sondernutzung = "sondernutzung-paragraf";          // paragraf-und-pixel, with a monthly add-on

    private static HttpRequestMessage OrderRequest(string ags, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{ags}/basket/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Test]
    public async Task Offerings_of_two_vendors_on_the_merkliste_are_ordered_in_one_order_with_the_shared_fields_once()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var basket = $"/api/v1/municipalities/{Muenchen}/basket";

        var wrongAddOn = await buyer.PutAsJsonAsync($"{basket}/items/{Gaststaette}", new { planId = "gemeinde", addOnIds = new[] { "epayment" } });
        Assert.That((await JsonAsync(wrongAddOn, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("addOnIds", out _), Is.True,
            "only the chosen plan's add-ons; the problem names the field");
        await JsonAsync(await buyer.PutAsJsonAsync($"{basket}/items/{Gaststaette}", new { planId = "gemeinde" }), HttpStatusCode.OK);
        await JsonAsync(await buyer.PutAsJsonAsync($"{basket}/items/{Sondernutzung}", new { planId = "vorlagen", addOnIds = new[] { "epayment" } }), HttpStatusCode.OK);

        var listed = await JsonAsync(await buyer.GetAsync(basket), HttpStatusCode.OK);
        Assert.That(listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("offeringId").GetString()), Is.EquivalentTo(new[] { Gaststaette, Sondernutzung }));
        var quote = listed.GetProperty("quote");
        var items = quote.GetProperty("items").EnumerateArray().ToList();
        Assert.That(quote.GetProperty("firstInvoiceNetCents").GetInt64(), Is.EqualTo(items.Sum(i => i.GetProperty("firstInvoiceNetCents").GetInt64())));
        Assert.That(quote.GetProperty("twelveMonthsNetCents").GetInt64(), Is.EqualTo(items.Sum(i => i.GetProperty("twelveMonthsNetCents").GetInt64())));
        Assert.That(items[1].GetProperty("addOns")[0].GetProperty("extraId").GetString(), Is.EqualTo("epayment"), "the add-on is quoted");
        Assert.That(quote.GetProperty("twelveMonthsNetCents").GetInt64(), Is.GreaterThan(0));

        // Another buyer acting for München keeps a list of its own.
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        Assert.That((await JsonAsync(await bundler.GetAsync(basket), HttpStatusCode.OK)).GetProperty("items").GetArrayLength(), Is.Zero);

        var key = Key();
        var invalid = await buyer.SendAsync(OrderRequest(Muenchen, key, new
        {
            sharedConfiguration = new { behoerde = "Ordnungsamt München", kontaktEmail = "ordnungsamt" },
            configurations = new Dictionary<string, object> { [Gaststaette] = new { ags = Muenchen }, [Sondernutzung] = new { vorlaufHalteverbotTage = 5 } },
        }));
        var errors = (await JsonAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.TryGetProperty("sharedConfiguration/kontaktEmail", out _), Is.True, errors.ToString());

        object Body() => new
        {
            sharedConfiguration = new { behoerde = "Ordnungsamt München", kontaktEmail = "ordnungsamt@muenchen.example" },
            configurations = new Dictionary<string, object> { [Gaststaette] = new { ags = Muenchen }, [Sondernutzung] = new { vorlaufHalteverbotTage = 5 } },
        };
        var placed = await JsonAsync(await buyer.SendAsync(OrderRequest(Muenchen, key, Body())), HttpStatusCode.Created);
        Assert.That(placed.GetProperty("kind").GetString(), Is.EqualTo("basket"));
        Assert.That(placed.GetProperty("subscriptionIds").GetArrayLength(), Is.EqualTo(2), "one order, a subscription per offering");
        Assert.That((await JsonAsync(await buyer.GetAsync(basket), HttpStatusCode.OK)).GetProperty("items").GetArrayLength(), Is.Zero, "the list is emptied with the order");

        var again = await JsonAsync(await buyer.SendAsync(OrderRequest(Muenchen, key, Body())), HttpStatusCode.OK);
        Assert.That(again.GetProperty("id").GetString(), Is.EqualTo(placed.GetProperty("id").GetString()), "the same key answers with the same order");
        var empty = await buyer.SendAsync(OrderRequest(Muenchen, Key(), Body()));
        Assert.That((await JsonAsync(empty, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("items", out _), Is.True, "an empty list orders nothing");

        var ordered = await JsonAsync(await buyer.PutAsJsonAsync($"{basket}/items/{Gaststaette}", new { planId = "gemeinde" }), HttpStatusCode.BadRequest);
        Assert.That(ordered.GetProperty("errors").TryGetProperty("offeringId", out _) || ordered.ToString().Contains("abonniert"), Is.True,
            "an offering the municipality has cannot be put on the list again");
    }

    [Test]
    public async Task The_combined_quote_of_the_api_adds_up_each_offerings_quote_and_estimates_usage_from_the_population()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var response = await buyer.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/quotes", new
        {
            items = new object[]
            {
                new { offeringId = "meldeportal-komuna", planId = "standard", addOnIds = new[] { "mehrsprachigkeit" } },
                new { offeringId = "wasserportal-tonnenwerk", planId = "versorger" },
            },
        });
        var quote = await JsonAsync(response, HttpStatusCode.OK);
        var items = quote.GetProperty("items").EnumerateArray().ToList();
        Assert.That(quote.GetProperty("firstInvoiceNetCents").GetInt64(), Is.EqualTo(items.Sum(i => i.GetProperty("firstInvoiceNetCents").GetInt64())));

        // The Meldeportal's vendor states 8 Anträge per 1,000 inhabitants a month; the Wasserportal's states none.
        var meldeportal = items[0].GetProperty("usage")[0];
        var population = meldeportal.GetProperty("population").GetInt64();
        Assert.That(population, Is.GreaterThan(1_000_000), "München's population from the municipality directory");
        Assert.That(meldeportal.GetProperty("estimatePerMonth").GetInt64(), Is.EqualTo((long)Math.Round(population * 8 / 1000.0, MidpointRounding.AwayFromZero)));
        Assert.That(meldeportal.GetProperty("expectedPerMonth").GetInt64(), Is.EqualTo(meldeportal.GetProperty("estimatePerMonth").GetInt64()));
        Assert.That(meldeportal.GetProperty("twelveMonthsCents").GetInt64(), Is.GreaterThan(0), "usage above the included quantity is in the twelve-month total");
        var wasser = items[1].GetProperty("usage")[0];
        Assert.That(wasser.GetProperty("estimatePerMonth").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(wasser.GetProperty("tiers").GetArrayLength(), Is.EqualTo(2), "the price table instead");

        var wrong = await buyer.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/quotes", new
        {
            items = new object[] { new { offeringId = "wasserportal-tonnenwerk", planId = "versorger", addOnIds = new[] { "mehrsprachigkeit" } } },
        });
        Assert.That((await JsonAsync(wrong, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("items/0/addOnIds", out _), Is.True);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/quotes", new { items = new[] { new { offeringId = "wasserportal-tonnenwerk", planId = "versorger" } } })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound), "another municipality's quote is not found");
    }

    [Test]
    public async Task A_buyer_puts_offerings_on_the_merkliste_from_their_pages_sees_the_costs_removes_one_and_orders_the_rest()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var merkliste = $"/gemeinden/{Koeln}/merkliste";

        var detail = await buyer.GetStringAsync("/angebote/wasserportal-tonnenwerk");
        Assert.That(detail, Does.Contain("Auf die Merkliste").And.Contain($"action=\"{merkliste}?handler=Add\""));
        var results = await buyer.GetStringAsync("/angebote?q=Wasser");
        Assert.That(results, Does.Contain("Auf die Merkliste"), "also on the search results");
        // The search page is one GET form: the add buttons name forms that stand outside it, as forms cannot nest.
        var search = results[results.IndexOf("<form method=\"get\" action=\"/angebote\"", StringComparison.Ordinal)..];
        search = search[..search.IndexOf("</form>", StringComparison.Ordinal)];
        Assert.That(search[1..], Does.Not.Contain("<form").And.Contain("form=\"basket-add-wasserportal-tonnenwerk\""));
        Assert.That(results, Does.Contain("<form id=\"basket-add-wasserportal-tonnenwerk\" method=\"post\""));
        foreach (var offering in new[] { "wasserportal-tonnenwerk", "veranstaltung-versammlung-paragraf", "jugendamt-beurkundung-paragraf" })
        {
            var added = await IdentityHost.PostFormAsync(buyer, "/angebote/" + offering, new() { ["offeringId"] = offering }, null, merkliste + "?handler=Add");
            Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await added.Content.ReadAsStringAsync());
        }

        var html = await buyer.GetStringAsync(merkliste);
        Assert.That(html, Does.Contain("Hausanschlussportal").And.Contain("Gesamtkosten").And.Contain("Kosten von"));
        Assert.That(html, Does.Contain("Es gelten die Nutzungspreise"), "no typical usage stated: the price table, no estimate");
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "name=\"shared.behoerde\"").Count, Is.EqualTo(1), "a shared field once");
        Assert.That(html, Does.Contain("name=\"u0.Usage[anschlussantraege]\""));

        var recalculated = await IdentityHost.PostFormAsync(buyer, merkliste, new()
        {
            ["IdempotencyKey"] = Key(), ["u0.Usage[anschlussantraege]"] = "120", ["shared.behoerde"] = "Ordnungsamt Köln",
        }, "Quote");
        var again = await recalculated.Content.ReadAsStringAsync();
        Assert.That(again, Does.Contain("value=\"120\"").And.Contain("value=\"Ordnungsamt Köln\"").And.Not.Contain("error-summary"));
        Assert.That(again, Does.Contain("900,00&#xA0;€"), "100 Anträge above the 20 included at 9.00");

        var english = await buyer.GetStringAsync(merkliste + "?culture=en-GB");
        Assert.That(english, Does.Contain("Shortlist").And.Contain("Total cost").And.Not.Contain("Merkliste").And.Not.Contain("£"));

        var removed = await IdentityHost.PostFormAsync(buyer, merkliste, new() { ["offeringId"] = "wasserportal-tonnenwerk", ["IdempotencyKey"] = Key() }, "Remove");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var left = await buyer.GetStringAsync(merkliste);
        Assert.That(left, Does.Contain("ist nicht mehr auf Ihrer Merkliste").And.Not.Contain("name=\"u0.Usage[anschlussantraege]\""));

        Dictionary<string, string> Fields(string email) => new()
        {
            ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["shared.behoerde"] = "Ordnungsamt Köln", ["shared.kontaktEmail"] = email,
            ["o0.notfallEmail"] = "notfall@koeln.example", ["o1.terminkalenderUrl"] = "https://termine.koeln.example/jugendamt",
        };
        var invalid = await IdentityHost.PostFormAsync(buyer, merkliste, Fields("ordnungsamt"));
        Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("href=\"#field-shared.kontaktEmail\""), "the shared field's error at the shared input");

        var placed = await IdentityHost.PostFormAsync(buyer, merkliste, Fields("ordnungsamt@koeln.example"));
        Assert.That(placed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await placed.Content.ReadAsStringAsync());
        var orderId = placed.Headers.Location!.ToString().Split('?')[0].Split('/').Last();
        var order = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Koeln}/orders/{orderId}");
        Assert.That((order.GetProperty("kind").GetString(), order.GetProperty("subscriptionIds").GetArrayLength()), Is.EqualTo(("basket", 2)));
        Assert.That(await buyer.GetStringAsync(merkliste), Does.Contain("Ihre Merkliste ist leer"));

        var viewer = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var refused = await viewer.GetAsync($"/gemeinden/{Muenchen}/merkliste");
        Assert.That(refused.Headers.Location?.ToString() ?? refused.StatusCode.ToString(), Does.Contain("kein-zugriff"), "a viewer has no Merkliste");
        Assert.That((await buyer.GetAsync($"/gemeinden/{Muenchen}/merkliste")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another municipality's");
    }

    [Test]
    public async Task Ordering_the_merkliste_with_an_offering_subscribed_meanwhile_shows_the_error_at_that_offering_in_the_page_language()
    {
        // A host of its own: the list of Köln's buyer is left with the offering on it.
        await using var host = await IdentityHost.StartAsync(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var merkliste = $"/gemeinden/{Koeln}/merkliste";
        const string offering = "kfz-online-zkd";
        var added = await IdentityHost.PostFormAsync(buyer, "/angebote/" + offering, new() { ["offeringId"] = offering }, null, merkliste + "?handler=Add");
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await added.Content.ReadAsStringAsync());
        // Meanwhile it is ordered on its own.
        await JsonAsync(await PlaceAsync(buyer, Koeln, Key(), new
        {
            offeringId = offering, planId = "mitglied", addOnIds = Array.Empty<string>(),
            configuration = new { behoerde = "Straßenverkehrsamt Köln", ags = Koeln, kontaktEmail = "kfz@koeln.example" },
        }), HttpStatusCode.Created);

        Dictionary<string, string> Fields() => new()
        {
            ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["o0.behoerde"] = "Straßenverkehrsamt Köln", ["o0.ags"] = Koeln, ["o0.kontaktEmail"] = "kfz@koeln.example",
        };
        await AssertAlreadySubscribedAtFirstOfferingAsync(buyer, merkliste, () => Fields());
    }
}
