using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using Duende.IdentityModel.Client;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Users;
using Marketplace.Notifications.Notifier;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Four eyes means two people (issue 15, finding 5): a buyer-admin's own API client neither approves their order, nor
/// does its creator approve the client's order, nor moves a client the threshold; a threshold change reaches every
/// other buyer-admin.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class FourEyesTests(DatabaseEngine engine)
{
    private static object Dokumentenstatus() => new
    {
        offeringId = "dokumentenstatus-amtsfuchs", planId = "pauschal", addOnIds = Array.Empty<string>(),
        configuration = new { behoerde = "Bürgerbüro", kontaktEmail = "fachbereich@kommune.example", importVerzeichnis = "sftp://ausweis.muenchen.example/eingang" },
    };

    private static object Denkmalrecht() => new
    {
        offeringId = "denkmalrecht-nordlicht", planId = "standard", addOnIds = Array.Empty<string>(),
        configuration = new { behoerde = "Untere Denkmalschutzbehörde", kontaktEmail = "fachbereich@kommune.example", denkmalfachbehoerdeEmail = "blfd@kommune.example" },
    };

    [Test]
    public async Task An_API_client_never_approves_and_its_creator_is_not_the_second_pair_of_eyes()
    {
        var host = await SharedHosts.For(engine);
        var admin = await host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var secondEmail = $"zweite-{Guid.NewGuid():N}@muenchen.example";
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<UserAdministration>()
                .CreateUserAsync(DemoSeeder.Muenchen, secondEmail, "Zweite Einkäuferin", "buyer-admin", DemoSeeder.Password, null, Actor.System);
        var second = await host.SignedInAsync(secondEmail);

        // The admin's own machine account with the buyer-admin role, as in the attack.
        var created = await JsonAsync(await admin.PostAsJsonAsync($"/api/v1/organisations/{DemoSeeder.Muenchen}/clients",
            new { displayName = "Eigenes System", role = "buyer-admin" }), HttpStatusCode.Created);
        var token = await host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress }).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token", ClientId = created.GetProperty("clientId").GetString()!, ClientSecret = created.GetProperty("clientSecret").GetString()!,
            Scope = "marketplace",
        });
        Assert.That(token.IsError, Is.False, token.Error);
        var machine = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        machine.SetBearerToken(token.AccessToken!);

        Assert.That((await admin.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = 0 })).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        try
        {
            Assert.That((await machine.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = (long?)null })).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), "a machine does not move the threshold");

            // The admin orders; their own client approving it is refused.
            var byAdmin = await JsonAsync(await PlaceAsync(admin, Muenchen, Key(), Dokumentenstatus()), HttpStatusCode.Created);
            Assert.That(byAdmin.GetProperty("state").GetString(), Is.EqualTo("awaiting_approval"));
            var adminOrder = byAdmin.GetProperty("id").GetString();
            Assert.That((await machine.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{adminOrder}/approval", null)).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), "an API client is nobody's second pair of eyes");
            Assert.That((await machine.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/orders/{adminOrder}/rejection", new { reason = "nein" })).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden));

            // The client orders; the person who created it cannot approve, the other buyer-admin can.
            var byMachine = await JsonAsync(await PlaceAsync(machine, Muenchen, Key(), Denkmalrecht()), HttpStatusCode.Created);
            var machineOrder = byMachine.GetProperty("id").GetString();
            Assert.That((await admin.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{machineOrder}/approval", null)).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), "the client's creator ordered it, in effect");
            var approved = await JsonAsync(await second.PostAsync($"/api/v1/municipalities/{Muenchen}/orders/{machineOrder}/approval", null), HttpStatusCode.OK);
            Assert.That(approved.GetProperty("state").GetString(), Is.EqualTo("placed"));
            var rejected = await JsonAsync(await second.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/orders/{adminOrder}/rejection",
                new { reason = "Test: nicht benötigt" }), HttpStatusCode.OK);
            Assert.That(rejected.GetProperty("state").GetString(), Is.EqualTo("rejected"));
        }
        finally
        {
            await admin.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/order-settings", new { approvalThresholdCents = (long?)null });
        }

        // Both threshold changes reached the other buyer-admin, and not the admin who made them.
        await host.Services.GetRequiredService<AuditNotifier>().RunOnceAsync();
        var secondsNotes = await second.GetStringAsync("/api/v1/me/notifications?limit=100");
        Assert.That(secondsNotes.Split("Freigabegrenze geändert").Length - 1, Is.GreaterThanOrEqualTo(2), secondsNotes);
        Assert.That(secondsNotes, Does.Contain(DenialMatrix.MuenchenAdmin));
        var adminNotes = await admin.GetStringAsync("/api/v1/me/notifications?limit=100");
        Assert.That(adminNotes, Does.Not.Contain("Freigabegrenze geändert"));
    }
}
