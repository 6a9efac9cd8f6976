using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>Ordering through the API: idempotency, who may order, tenant isolation, delegation, the vendor's view, manual fulfilment.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class OrderApiTests(DatabaseEngine engine)
{
    [Test]
    public async Task A_quote_states_fees_add_ons_usage_and_totals_and_refuses_what_the_plan_does_not_have()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        const string quote = $"/api/v1/municipalities/{Muenchen}/offerings/meldeportal-komuna/quote";

        var q = await JsonAsync(await buyer.GetAsync(quote + "?planId=standard&addOnIds=epayment&usage=antraege:2500"), HttpStatusCode.OK);
        Assert.That(q.GetProperty("currency").GetString(), Is.EqualTo("EUR"));
        Assert.That(q.GetProperty("fundedValuePerMonthCents").GetInt64(), Is.EqualTo(45_000));
        Assert.That(q.GetProperty("oneTime")[0].GetProperty("firstInvoiceCents").GetInt64(), Is.EqualTo(150_000), "the setup fee is on the first invoice");
        var usage = q.GetProperty("usage")[0];
        Assert.That(usage.GetProperty("perFullMonthCents").GetInt64(), Is.EqualTo(2000 * 35), "500 included, the next 2,000 at 0.35");
        Assert.That(q.GetProperty("recurringPerMonthNetCents").GetInt64(), Is.EqualTo(4900 + 2000 * 35));
        var parts = new[] { "oneTime", "addOns", "usage" }.Sum(p => q.GetProperty(p).EnumerateArray().Sum(l => l.GetProperty("firstInvoiceCents").GetInt64()));
        Assert.That(q.GetProperty("firstInvoiceNetCents").GetInt64(), Is.EqualTo(parts));
        Assert.That(q.GetProperty("twelveMonthsNetCents").GetInt64(), Is.GreaterThan(150_000 + 10 * (4900 + 2000 * 35)),
            "the fee and at least ten full months; the two part months grant the whole included quantity each");

        foreach (var (query, field, code) in new[]
                 {
                     ("?planId=standard&addOnIds=nope", "addOnIds", "quote.not-an-add-on"), ("?planId=standard&usage=antraege:viele", "usage", "quote.usage-format"),
                     ("?planId=standard&usage=parkplaetze:3", "usage", "quote.not-metered"), ("?planId=standard&usage=antraege:-1", "usage", "quote.usage-format"),
                     ("", "planId", "quote.plan-required"),
                 })
        {
            var problem = await JsonAsync(await buyer.GetAsync(quote + query), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, query);
            Assert.That(problem.GetProperty("codes").GetProperty(field)[0].GetString(), Is.EqualTo(code), query);
        }
        Assert.That((await buyer.GetAsync(quote + "?planId=no-such-plan")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await buyer.GetAsync($"/api/v1/municipalities/{Koeln}/offerings/meldeportal-komuna/quote?planId=standard")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound), "München's buyer cannot ask for Köln");
    }

    [Test]
    public async Task Ordering_with_the_same_idempotency_key_returns_the_first_order_and_another_body_is_refused_with_422()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var key = Key();

        var first = await JsonAsync(await PlaceAsync(buyer, Muenchen, key, Order("fundbuero-amtsfuchs", "standard", "Fundbüro München")), HttpStatusCode.Created);
        var again = await JsonAsync(await PlaceAsync(buyer, Muenchen, key, Order("fundbuero-amtsfuchs", "standard", "Fundbüro München")), HttpStatusCode.OK);
        Assert.That(again.GetProperty("id").GetString(), Is.EqualTo(first.GetProperty("id").GetString()));
        Assert.That(again.GetProperty("subscriptionIds").GetArrayLength(), Is.EqualTo(1));
        Assert.That(first.GetProperty("monthlyCostCents").GetInt64(), Is.Zero, "the standard package alone costs the municipality nothing a month");

        var other = await PlaceAsync(buyer, Muenchen, key, Order("fundbuero-amtsfuchs", "standard", "Fundamt München"));
        var problem = await JsonAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.That(other.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), Is.True, problem.ToString());

        // The order and its subscription are the municipality's, with the first body's configuration.
        var orders = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/orders");
        Assert.That(orders.EnumerateArray().Count(o => o.GetProperty("id").GetString() == first.GetProperty("id").GetString()), Is.EqualTo(1));
        var subscriptionId = first.GetProperty("subscriptionIds")[0].GetString();
        var config = await buyer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/subscriptions/{subscriptionId}/configuration");
        Assert.That(config.GetProperty("values").GetProperty("behoerde").GetString(), Is.EqualTo("Fundbüro München"));
        Assert.That(config.GetProperty("sources").GetProperty("/behoerde").GetProperty("kind").GetString(), Is.EqualTo("municipality"));
        Assert.That(config.GetProperty("sources").GetProperty("/aufbewahrungMonate").GetProperty("kind").GetString(), Is.EqualTo("schema-default"));
    }

    [Test]
    public async Task An_invalid_order_is_a_validation_problem_naming_the_field()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var body = new { offeringId = "stadtmelder-deichgraf", planId = "app", configuration = new { behoerde = "X", kontaktEmail = "keine-adresse" } };
        var problem = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), body), HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(fields, Does.Contain("configuration/behoerde").And.Contain("configuration/kontaktEmail"));
        Assert.That((await PlaceAsync(buyer, Muenchen, "", Order("stadtmelder-deichgraf", "app"))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest),
            "the Idempotency-Key header is required");
    }

    [Test]
    public async Task A_viewer_cannot_order_and_another_municipality_sees_neither_the_orders_nor_the_subscriptions()
    {
        var host = await SharedHosts.For(engine);
        var viewer = await host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);

        Assert.That((await PlaceAsync(viewer, Muenchen, Key(), Order("stadtmelder-deichgraf", "app"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var placed = await JsonAsync(await PlaceAsync(buyer, Muenchen, Key(), Order("namenserklaerung-urkundenwerk", "standard")), HttpStatusCode.Created);
        var subscriptionId = placed.GetProperty("subscriptionIds")[0].GetString();
        var orderId = placed.GetProperty("id").GetString();
        Assert.That((await viewer.GetAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the viewer reads");
        Assert.That((await viewer.DeleteAsync($"/api/v1/municipalities/{Muenchen}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "but does not cancel");
        foreach (var url in new[]
                 {
                     $"/api/v1/municipalities/{Muenchen}/subscriptions/{subscriptionId}", $"/api/v1/municipalities/{Muenchen}/orders/{orderId}",
                     $"/api/v1/municipalities/{Muenchen}/subscriptions/{subscriptionId}/timeline",
                     // Köln asking under its own AGS for München's subscription finds nothing either.
                     $"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}", $"/api/v1/municipalities/{Koeln}/orders/{orderId}",
                 })
            Assert.That((await koeln.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
        Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_delegate_orders_for_a_municipality_and_gets_404_after_the_delegation_is_revoked()
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        Assert.That((await PlaceAsync(bundler, Koeln, Key(), Order("fundbuero-amtsfuchs", "standard"))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "no delegation yet");

        var granted = await JsonAsync(await koeln.PostAsJsonAsync($"/api/v1/municipalities/{Koeln}/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = false, viewInvoices = false }), HttpStatusCode.Created);
        string? subscriptionId;
        try
        {
            var placed = await JsonAsync(await PlaceAsync(bundler, Koeln, Key(), Order("fundbuero-amtsfuchs", "standard", "Fundbüro Köln")), HttpStatusCode.Created);
            subscriptionId = placed.GetProperty("subscriptionIds")[0].GetString();
            Assert.That((await bundler.GetAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await bundler.PatchAsJsonAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}",
                new { configuration = Config("Fundamt Köln") })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "ordering was delegated, configuring not");
        }
        finally
        {
            Assert.That((await koeln.DeleteAsync($"/api/v1/municipalities/{Koeln}/delegations/{granted.GetProperty("id").GetString()}")).StatusCode,
                Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That((await bundler.GetAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PlaceAsync(bundler, Koeln, Key(), Order("briefwahl-havelsoft", "gemeinde"))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await koeln.GetAsync($"/api/v1/municipalities/{Koeln}/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the municipality keeps what its delegate ordered");
    }

    [Test]
    public async Task A_vendor_sees_the_orders_for_its_own_offerings_only()
    {
        var host = await SharedHosts.For(engine);
        // Placed through the engine for Potsdam: the shared host's other tests already gave München and Köln this offering.
        var placed = await host.Services.GetRequiredService<OrderService>().PlaceAsync(Potsdam, "user-potsdam", Key(), new OrderRequest(
            "stadtbibliothek-online-komuna", "standard", [], new System.Text.Json.Nodes.JsonObject
            {
                ["behoerde"] = "Stadtbibliothek Potsdam", ["kontaktEmail"] = "bibliothek@potsdam.example",
            }));
        var orderId = placed.Order.Id;
        var subscriptionId = placed.Order.SubscriptionIds.Single();

        var komuna = await host.SignedInAsync(DenialMatrix.KomunaEditor);
        var komunaOrders = await komuna.GetFromJsonAsync<JsonElement>("/api/v1/vendors/komuna-digital/orders");
        Assert.That(komunaOrders.EnumerateArray().Select(o => o.GetProperty("id").GetString()), Does.Contain(orderId));
        var seen = await komuna.GetFromJsonAsync<JsonElement>($"/api/v1/vendors/komuna-digital/subscriptions/{subscriptionId}");
        Assert.That(seen.GetProperty("configuration").GetProperty("values").GetProperty("behoerde").GetString(), Is.EqualTo("Stadtbibliothek Potsdam"));

        var havelsoft = await host.SignedInAsync(DenialMatrix.HavelsoftAdmin);
        var havelsoftOrders = await havelsoft.GetFromJsonAsync<JsonElement>("/api/v1/vendors/havelsoft/orders");
        Assert.That(havelsoftOrders.EnumerateArray().Select(o => o.GetProperty("id").GetString()), Does.Not.Contain(orderId));
        Assert.That((await havelsoft.GetAsync($"/api/v1/vendors/havelsoft/subscriptions/{subscriptionId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await havelsoft.GetAsync("/api/v1/vendors/komuna-digital/orders")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_manual_task_is_completed_by_its_vendor_only_and_the_subscription_becomes_active()
    {
        var host = await SharedHosts.For(engine);
        // Arranged through the engine: Potsdam has no demo account; its order becomes a task of havelsoft.
        var placed = await host.Services.GetRequiredService<OrderService>().PlaceAsync(Potsdam, "user-potsdam", Key(), new OrderRequest(
            "kita-anmeldung-havelsoft", "amt", [], new System.Text.Json.Nodes.JsonObject
            {
                ["behoerde"] = "Stadt Potsdam", ["kontaktEmail"] = "kita@potsdam.example", ["gemeinden"] = new System.Text.Json.Nodes.JsonArray("12054000"),
            }));
        var subscriptionId = placed.Order.SubscriptionIds.Single();

        var havelsoft = await host.SignedInAsync(DenialMatrix.HavelsoftAdmin);
        var tasks = await havelsoft.GetFromJsonAsync<JsonElement>("/api/v1/vendors/havelsoft/tasks");
        Assert.That(tasks.EnumerateArray().Select(t => t.GetProperty("subscriptionId").GetString()), Does.Contain(subscriptionId));

        var komuna = await host.SignedInAsync(DenialMatrix.KomunaAdmin);
        Assert.That((await komuna.PostAsJsonAsync($"/api/v1/vendors/komuna-digital/tasks/{subscriptionId}/completion", new { dashboardUrl = "https://x.example/" }))
            .StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another vendor's task");
        var invalid = await JsonAsync(await havelsoft.PostAsJsonAsync($"/api/v1/vendors/havelsoft/tasks/{subscriptionId}/completion",
            new { dashboardUrl = "ftp://kita.havelsoft.example" }), HttpStatusCode.BadRequest);
        Assert.That(invalid.GetProperty("errors").TryGetProperty("dashboardUrl", out _), Is.True);
        Assert.That((await havelsoft.PostAsJsonAsync($"/api/v1/vendors/havelsoft/tasks/{subscriptionId}/completion",
            new { dashboardUrl = "https://kita.havelsoft.example/potsdam", notes = "Zugang per Post" })).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var seen = await havelsoft.GetFromJsonAsync<JsonElement>($"/api/v1/vendors/havelsoft/subscriptions/{subscriptionId}");
        Assert.That(seen.GetProperty("subscription").GetProperty("state").GetString(), Is.EqualTo("active"));
        Assert.That(seen.GetProperty("subscription").GetProperty("dashboardUrl").GetString(), Is.EqualTo("https://kita.havelsoft.example/potsdam"));
        Assert.That((await havelsoft.PostAsJsonAsync($"/api/v1/vendors/havelsoft/tasks/{subscriptionId}/completion", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.Conflict), "nothing left to fulfil");
    }

    [Test]
    public async Task An_order_above_the_threshold_waits_for_a_second_buyer_admin()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var bundler = await host.SignedInAsync(DenialMatrix.BundlerAdmin);
        Assert.That((await buyer.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = 0 })).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        JsonElement placed;
        try
        {
            placed = await JsonAsync(await PlaceAsync(bundler, Muenchen, Key(), Order("halteverbotszone-deichgraf", "standard", "Straßenverkehrsbehörde")),
                HttpStatusCode.Created);
        }
        finally
        {
            await buyer.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = (long?)null });
        }
        Assert.That(placed.GetProperty("state").GetString(), Is.EqualTo("awaiting_approval"));
        var orderId = placed.GetProperty("id").GetString();
        Assert.That((await bundler.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{orderId}/approval", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "a delegate does not approve");
        var approved = await JsonAsync(await buyer.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{orderId}/approval", null), HttpStatusCode.OK);
        Assert.That(approved.GetProperty("state").GetString(), Is.EqualTo("placed"));
        Assert.That((await buyer.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{orderId}/approval", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }
}
