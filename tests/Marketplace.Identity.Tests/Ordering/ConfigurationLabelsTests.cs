using System.Text.Json.Nodes;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>Configuration values people read: the choices by the names the offering gives them, yes/no in the page's language.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class ConfigurationLabelsTests(DatabaseEngine engine)
{
    [Test]
    public async Task The_order_form_and_the_subscription_page_name_a_choice_by_its_label_not_its_value()
    {
        var host = await SharedHosts.For(engine);
        var buyer = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var form = await buyer.GetStringAsync("/angebote/abfall-app-deichgraf/bestellen");
        Assert.That(form, Does.Contain("<option value=\"schnittstelle-tourenplanung\">Schnittstelle zur Tourenplanung</option>"));

        // Placed through the engine for Köln, which no other test orders this offering for.
        var placed = await host.Services.GetRequiredService<OrderService>().PlaceAsync(Koeln, "user-koeln", Key(), new OrderRequest(
            "abfall-app-deichgraf", "app", [], new JsonObject
            {
                ["behoerde"] = "Abfallwirtschaftsbetriebe Köln", ["kontaktEmail"] = "abfall@koeln.example", ["kalenderQuelle"] = "schnittstelle-tourenplanung",
            }));
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);
        foreach (var culture in new[] { "de-DE", "en-GB" })
        {
            var page = await koeln.GetStringAsync($"/gemeinden/{Koeln}/abonnements/{placed.Order.SubscriptionIds.Single()}?culture={culture}");
            Assert.That(page, Does.Contain("<td>Schnittstelle zur Tourenplanung</td>").And.Not.Contain("<td>schnittstelle-tourenplanung</td>"), culture);
        }
    }
}
