using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Page forms posted with an id that is another municipality's (or vendor's) or does not exist answer 404, never a 500;
/// a sign-in with control characters in its return address lands on the organisation page.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class PagePostNotFoundTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private string _foreignSubscription = null!;
    private string _foreignOrder = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await SharedHosts.For(engine);
        // Potsdam's order: a subscription and an order that München's users and Komuna may not touch.
        var placed = await _host.Services.GetRequiredService<OrderService>().PlaceAsync(Potsdam, "user-potsdam", Key(), new OrderRequest(
            "briefwahl-havelsoft", "gemeinde", [], new JsonObject { ["behoerde"] = "Wahlamt Potsdam", ["kontaktEmail"] = "wahlamt@potsdam.example" }));
        _foreignOrder = placed.Order.Id;
        _foreignSubscription = placed.Order.SubscriptionIds.Single();
    }

    private async Task<HttpResponseMessage> PostAsync(string principal, string url, Dictionary<string, string>? fields = null)
    {
        var client = await _host.SignedInAsync(principal);
        var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = IdentityHost.AntiforgeryToken(await client.GetStringAsync("/")) };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private static IEnumerable<string> Ids(string foreign) => [foreign, "no-such-id"];

    [Test]
    public async Task Subscription_actions_with_a_foreign_or_unknown_id_answer_404()
    {
        foreach (var id in Ids(_foreignSubscription))
        foreach (var handler in new[] { "Suspend", "Resume", "Cancel", "Retry", "Change", "Bind", "Reveal&bindingId=x", "Rotate&bindingId=x", "Unbind&bindingId=x" })
        {
            var response = await PostAsync(DenialMatrix.MuenchenAdmin, $"/gemeinden/{Muenchen}/abonnements/{id}?handler={handler}");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{handler} {id}");
        }
    }

    [Test]
    public async Task Order_decisions_with_a_foreign_or_unknown_id_answer_404()
    {
        foreach (var id in Ids(_foreignOrder))
        foreach (var handler in new[] { "Approve", "Reject" })
        {
            var response = await PostAsync(DenialMatrix.MuenchenAdmin, $"/gemeinden/{Muenchen}/bestellungen/{id}?handler={handler}",
                new() { ["Reason"] = "zu teuer" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{handler} {id}");
        }
    }

    [Test]
    public async Task A_vendor_task_of_another_vendor_or_unknown_answers_404()
    {
        foreach (var id in Ids(_foreignSubscription))
        foreach (var handler in new[] { "Complete", "Reject" })
        {
            var response = await PostAsync(DenialMatrix.KomunaAdmin, $"/anbieterportal/aufgaben?handler={handler}",
                new() { ["subscriptionId"] = id, ["DashboardUrl"] = "https://komuna-digital.example/x", ["Reason"] = "nein" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{handler} {id}");
        }
    }

    [Test]
    public async Task Other_id_taking_forms_never_answer_5xx_for_an_unknown_id()
    {
        var cases = new (string Principal, string Url, Dictionary<string, string> Fields)[]
        {
            (DenialMatrix.BundlerAdmin, "/rollouts/no-such-rollout?handler=Retry", []),
            (DenialMatrix.PlatformAdmin, "/betrieb/jobs?handler=Retry", new() { ["jobId"] = "no-such-job" }),
            (DenialMatrix.MuenchenAdmin, "/benachrichtigungen?handler=Read", new() { ["id"] = "no-such-notification" }),
            (DenialMatrix.MuenchenAdmin, "/konto/benachrichtigungen?handler=DeleteSearch", new() { ["id"] = "no-such-search" }),
            (DenialMatrix.MuenchenAdmin, $"/gemeinden/{Muenchen}/buendel/no-such-bundle", []),
        };
        foreach (var (principal, url, fields) in cases)
        {
            var response = await PostAsync(principal, url, fields);
            Assert.That((int)response.StatusCode, Is.LessThan(500), url);
        }
    }

    [TestCase("/\t/evil.example")]
    [TestCase("/organisation\r\nSet-Cookie: x=1")]
    [TestCase("/\u0001")]
    public async Task A_control_character_in_the_login_return_address_lands_on_the_organisation_page(string returnUrl)
    {
        var client = _host.Browser();
        var response = await IdentityHost.PostFormAsync(client, "/konto/anmelden?ReturnUrl=" + Uri.EscapeDataString(returnUrl),
            new() { ["Email"] = DenialMatrix.MuenchenViewer, ["Password"] = DemoSeeder.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo("/organisation"));
    }
}
