using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>A municipality's Leitweg-ID is checked by its check digits when it is entered, before any invoice is routed to it.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class OrganisationBillingApiTests(DatabaseEngine engine)
{
    [TestCase("05315000-0001-33")]   // the demo ID as it was: the right shape, wrong check digits
    [TestCase("05315000-0010-96")]   // two digits swapped
    public async Task A_Leitweg_ID_with_wrong_check_digits_is_refused_naming_the_field_and_nothing_changes(string leitwegId)
    {
        var host = await SharedHosts.For(engine);
        var koeln = await host.SignedInAsync(DenialMatrix.KoelnAdmin);

        var response = await koeln.PutAsJsonAsync("/api/v1/municipalities/05315000/billing",
            new { leitwegId, recipient = "Stadt Köln", street = "Willy-Brandt-Platz 2", postalCode = "50679", city = "Köln" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty("leitwegId", out _), Is.True, problem.ToString());
        var organisation = await koeln.GetFromJsonAsync<JsonElement>("/api/v1/municipalities/05315000/organisation");
        Assert.That(organisation.GetProperty("leitwegId").GetString(), Is.EqualTo("05315000-0001-96"));
    }
}
