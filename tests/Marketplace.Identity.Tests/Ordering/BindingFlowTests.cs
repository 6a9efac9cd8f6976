using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.DevelopmentHosting;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Marketplace.Web.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Access credentials (service bindings) through the API and the subscription page, against the embedded strict sample
/// broker: bind, the credentials shown once, rotate, unbind, cancel; the denials (another municipality 404, a viewer
/// 403, the vendor never reads credentials); a plan that is not bindable; and afterwards no credential is found in any
/// stored text, log line or answer.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BindingFlowTests(DatabaseEngine engine)
{
    private readonly LogCapture _logs = new();
    private SignedInClients _clients = null!;
    private readonly List<string> _passwords = [];
    private readonly StringBuilder _answers = new();
    private IdentityHost _parent = null!;
    private WebApplicationFactory<Program> _host = null!;
    private SampleBrokerServer _broker = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            [EmbeddedSampleBroker.UrlSetting] = $"http://127.0.0.1:{FreePort()}",
            ["SampleBroker:LatencyMs"] = "50",
            ["SampleBroker:RetryAfterSeconds"] = "0",
            // A second bindable offering, so the API and the page flows each have their own subscription.
            ["SampleBroker:BindableOfferings:0"] = "fundbuero-amtsfuchs",
            ["SampleBroker:BindableOfferings:1"] = "stadtmelder-deichgraf",
            ["Provisioning:PollInterval"] = "00:00:00.050",
            ["Provisioning:DefaultPollInterval"] = "00:00:00.050",
            ["Provisioning:BaseBackoff"] = "00:00:00.020",
            ["Provisioning:MaxBackoff"] = "00:00:00.100",
            ["Provisioning:BrokerRequestTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Debug",
        };
        _parent = new IdentityHost(await IdentityHost.SeededDatabaseAsync(engine, settings), settings);
        _host = _parent.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));
        _clients = new SignedInClients(_host);
        _broker = _host.Services.GetRequiredService<EmbeddedSampleBroker>().Server!;
        await PointBrokerOfferingsAtAsync(_host.Services.GetRequiredService<Database>(), _broker.BaseAddress);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _clients.Dispose();
        await _host.DisposeAsync();
        await _parent.DisposeAsync();
    }

    private static string Subscription(string id) => $"/api/v1/municipalities/{Muenchen}/subscriptions/{id}";
    private static string Page(string id) => $"/gemeinden/{Muenchen}/abonnements/{id}";

    [Test]
    public Task Bind_show_once_rotate_unbind_and_cancel_through_the_API_with_its_denials() => ApiFlowAsync();

    private async Task ApiFlowAsync()
    {
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var id = await ActiveAsync("fundbuero-amtsfuchs", "Fundbüro München");
        var bindings = Subscription(id) + "/bindings";

        var created = await Json(await buyer.PostAsJsonAsync(bindings, new { name = "Fundsachen-Verwaltung" }), HttpStatusCode.Accepted);
        var bindingId = created.GetProperty("id").GetString()!;
        Assert.That(created.GetProperty("state").GetString(), Is.EqualTo("creating"));

        // Denials: the viewer may read but not create (403), another municipality finds nothing (404), the bundler
        // delegate is no buyer-admin of München (403), the vendor reads no municipality's bindings at all.
        Assert.That((await (await As(DenialMatrix.MuenchenViewer)).PostAsJsonAsync(bindings, new { name = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await (await As(DenialMatrix.KoelnAdmin)).PostAsJsonAsync(bindings, new { name = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await (await As(DenialMatrix.KoelnAdmin)).GetAsync(bindings)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await (await As(DenialMatrix.BundlerAdmin)).PostAsJsonAsync(bindings, new { name = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var active = await UntilAsync(buyer, bindings, l => l.EnumerateArray().Any(b => b.GetProperty("id").GetString() == bindingId
            && b.GetProperty("state").GetString() == "active"));
        _answers.Append(active);
        Assert.That((await (await As(DenialMatrix.MuenchenViewer)).GetFromJsonAsync<JsonElement>(bindings)).GetArrayLength(), Is.EqualTo(1), "the viewer reads the list");
        foreach (var vendor in new[] { DenialMatrix.KomunaAdmin })
        {
            var client = await As(vendor);
            Assert.That((await client.GetAsync(bindings)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await client.PostAsync($"{bindings}/{bindingId}/credentials", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await client.GetAsync($"/api/v1/vendors/komuna-digital/subscriptions/{id}/bindings")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
                "not Komuna's offering");
        }
        var platform = await (await As(DenialMatrix.Auditor)).GetStringAsync($"/api/v1/vendors/amtsfuchs-software/subscriptions/{id}/bindings");
        Assert.That(platform, Does.Contain("Fundsachen-Verwaltung").And.Not.Contain("password"), "metadata only, never credentials");
        Assert.That((await (await As(DenialMatrix.MuenchenViewer)).PostAsync($"{bindings}/{bindingId}/credentials", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var shown = await Json(await buyer.PostAsync($"{bindings}/{bindingId}/credentials", null), HttpStatusCode.OK);
        var password = shown.GetProperty("credentials").GetProperty("password").GetString()!;
        _passwords.Add(password);
        Assert.That(password, Is.EqualTo(_broker.State.Bindings[bindingId].Credentials["password"]!.GetValue<string>()));
        var again = await buyer.PostAsync($"{bindings}/{bindingId}/credentials", null);
        var problem = await again.Content.ReadAsStringAsync();
        _answers.Append(problem);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem);
        Assert.That(await buyer.GetStringAsync(bindings), Does.Not.Contain(password));

        var rotated = await Json(await buyer.PostAsync($"{bindings}/{bindingId}/rotation", null), HttpStatusCode.Accepted);
        var newId = rotated.GetProperty("id").GetString()!;
        var afterRotation = await UntilAsync(buyer, bindings, l => l.EnumerateArray().Select(b => (b.GetProperty("id").GetString(), b.GetProperty("state").GetString()))
            .SequenceEqual([(newId, "active")]));
        Assert.That(afterRotation.GetArrayLength(), Is.EqualTo(1), "the old binding is deleted once the new one is active");
        var newShown = await Json(await buyer.PostAsync($"{bindings}/{newId}/credentials", null), HttpStatusCode.OK);
        _passwords.Add(newShown.GetProperty("credentials").GetProperty("password").GetString()!);

        Assert.That((await buyer.DeleteAsync($"{bindings}/{newId}")).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await UntilAsync(buyer, bindings, l => l.GetArrayLength() == 0);
        var instance = await InstanceOfAsync(id);
        Assert.That(_broker.State.Bindings.Values.Where(b => b.InstanceId == instance), Is.Empty);

        // Cancelling with a binding in place: the binding goes first, then the instance.
        await Json(await buyer.PostAsJsonAsync(bindings, new { name = "Vor der Kündigung" }), HttpStatusCode.Accepted);
        await UntilAsync(buyer, bindings, l => l.EnumerateArray().All(b => b.GetProperty("state").GetString() == "active"));
        Assert.That((await buyer.DeleteAsync(Subscription(id))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await UntilAsync(buyer, Subscription(id), s => s.GetProperty("state").GetString() == "cancelled");
        Assert.That(_broker.State.Bindings.Values.Where(b => b.InstanceId == instance), Is.Empty, "no binding left at the broker");
        Assert.That(_broker.State.Instances.ContainsKey(instance), Is.False, "nor the instance");
    }

    [Test]
    public async Task A_plan_that_is_not_bindable_is_refused_with_a_problem_naming_the_plan()
    {
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var id = await ActiveAsync("halteverbotszone-deichgraf", "Ordnungsamt München");
        var refused = await buyer.PostAsJsonAsync(Subscription(id) + "/bindings", new { name = "Fachverfahren" });
        var body = await Json(refused, HttpStatusCode.BadRequest);
        Assert.That(body.GetProperty("errors").TryGetProperty("planId", out _), Is.True, body.ToString());
        var english = await Json(await buyer.PostAsJsonAsync(Subscription(id) + "/bindings?culture=en-GB", new { name = "Fachverfahren" }), HttpStatusCode.BadRequest);
        Assert.That(english.GetProperty("errors").GetProperty("planId")[0].GetString(), Is.EqualTo("The plan 'standard' does not offer credentials (not bindable)."));
        Assert.That(english.GetProperty("codes").GetProperty("planId")[0].GetString(), Is.EqualTo("binding.plan-not-bindable"));
        var page = await buyer.GetStringAsync(Page(id));
        Assert.That(page, Does.Contain("sieht keine Zugangsdaten vor").And.Not.Contain("handler=Bind"));
    }

    [Test]
    public Task The_subscription_page_creates_shows_the_credentials_once_rotates_and_deletes_them() => PageFlowAsync();

    private async Task PageFlowAsync()
    {
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var id = await ActiveAsync("stadtmelder-deichgraf", "Stadtmelder München", "app");
        var page = Page(id);
        var form = await buyer.GetStringAsync(page);
        Assert.That(form, Does.Contain("Zugangsdaten erzeugen").And.Contain("id=\"field-name\""));

        var empty = await IdentityHost.PostFormAsync(buyer, page, new() { ["BindingName"] = "" }, "Bind");
        var emptyHtml = await empty.Content.ReadAsStringAsync();
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(emptyHtml, Does.Contain("error-summary").And.Contain("href=\"#field-name\""));

        var posted = await IdentityHost.PostFormAsync(buyer, page, new() { ["BindingName"] = "Seitenverfahren" }, "Bind");
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var bindings = Subscription(id) + "/bindings";
        var list = await UntilAsync(buyer, bindings, l => l.EnumerateArray().Any(b => b.GetProperty("state").GetString() == "active"));
        var bindingId = list[0].GetProperty("id").GetString()!;

        var withButton = await buyer.GetStringAsync(page);
        Assert.That(withButton, Does.Contain("Zugangsdaten anzeigen (nur einmal)").And.Contain("Seitenverfahren"));
        var viewerPage = await (await As(DenialMatrix.MuenchenViewer)).GetStringAsync(page);
        Assert.That(viewerPage, Does.Contain("Seitenverfahren").And.Not.Contain("handler=Reveal").And.Not.Contain("handler=Bind"));
        var viewerPost = await IdentityHost.PostFormAsync(await As(DenialMatrix.MuenchenViewer), page, new() { ["BindingName"] = "x" }, "Bind");
        Assert.That(viewerPost.StatusCode, Is.Not.EqualTo(HttpStatusCode.OK).And.Not.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That((await buyer.GetStringAsync(bindings)).Contains("\"name\":\"x\""), Is.False, "the viewer created nothing");

        var revealed = await IdentityHost.PostFormAsync(buyer, $"{page}?bindingId={bindingId}", new(), "Reveal");
        // Decoded: the page encodes characters such as "+" of a password.
        var revealedHtml = WebUtility.HtmlDecode(await revealed.Content.ReadAsStringAsync());
        var password = _broker.State.Bindings[bindingId].Credentials["password"]!.GetValue<string>();
        _passwords.Add(password);
        Assert.That(revealed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(revealed.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(revealedHtml, Does.Contain(password).And.Contain("nur einmal angezeigt"));
        var later = WebUtility.HtmlDecode(await buyer.GetStringAsync(page));
        Assert.That(later, Does.Not.Contain(password).And.Not.Contain("Zugangsdaten anzeigen (nur einmal)"));
        var second = WebUtility.HtmlDecode(await (await IdentityHost.PostFormAsync(buyer, $"{page}?bindingId={bindingId}", new(), "Reveal")).Content.ReadAsStringAsync());
        Assert.That(second, Does.Not.Contain(password).And.Contain("nicht noch einmal"));
        _answers.Append(later).Append(second);

        Assert.That(later, Does.Contain("Ja, erneuern").And.Contain("Ja, endgültig löschen"), "rotate and delete ask for confirmation");
        Assert.That((await IdentityHost.PostFormAsync(buyer, $"{page}?bindingId={bindingId}", new(), "Rotate")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var rotated = await UntilAsync(buyer, bindings, l => l.GetArrayLength() == 1 && l[0].GetProperty("id").GetString() != bindingId
            && l[0].GetProperty("state").GetString() == "active");
        var newId = rotated[0].GetProperty("id").GetString()!;
        _passwords.Add(_broker.State.Bindings[newId].Credentials["password"]!.GetValue<string>());
        Assert.That((await IdentityHost.PostFormAsync(buyer, $"{page}?bindingId={newId}", new(), "Unbind")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        await UntilAsync(buyer, bindings, l => l.GetArrayLength() == 0);
        var english = await buyer.GetStringAsync(page + "?culture=en-GB");
        Assert.That(english, Does.Contain("Create access credentials"));
        Assert.That((await buyer.DeleteAsync(Subscription(id))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await UntilAsync(buyer, Subscription(id), s => s.GetProperty("state").GetString() == "cancelled");
    }

    [Test]
    public async Task No_credential_appears_in_any_stored_text_nor_in_the_logs_nor_in_another_answer()
    {
        await ApiFlowAsync();
        await PageFlowAsync();
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        _answers.Append(await (await As(DenialMatrix.PlatformAdmin)).GetStringAsync("/api/v1/audit?objectType=subscription-binding&limit=200"));
        _answers.Append(await buyer.GetStringAsync($"/api/v1/municipalities/{Muenchen}/subscriptions"));
        var stored = await StoredText.AllAsync(_host.Services.GetRequiredService<Database>(), engine, "subscription_bindings");
        Assert.That(stored.Any(t => t.Contains("binding.credentials-shown")), Is.True, "the audit trail is among what is searched");
        Assert.That(_passwords, Has.Count.GreaterThanOrEqualTo(4));
        var logged = _logs.Lines.ToList();
        Assert.That(logged, Is.Not.Empty);
        foreach (var password in _passwords)
        {
            Assert.That(stored.Where(t => t.Contains(password, StringComparison.Ordinal)), Is.Empty, "stored");
            Assert.That(logged.Where(t => t.Contains(password, StringComparison.Ordinal)), Is.Empty, "logged");
            Assert.That(_answers.ToString(), Does.Not.Contain(password));
        }
    }

    // ---- Helpers ----

    private async Task<string> ActiveAsync(string offeringId, string behoerde, string planId = "standard")
    {
        var buyer = await As(DenialMatrix.MuenchenAdmin);
        var placed = await Json(await PlaceAsync(buyer, Muenchen, Key(), Order(offeringId, planId, behoerde)), HttpStatusCode.Created);
        var id = placed.GetProperty("subscriptionIds")[0].GetString()!;
        await UntilAsync(buyer, Subscription(id), s => s.GetProperty("state").GetString() == "active");
        return id;
    }

    private async Task<string> InstanceOfAsync(string subscriptionId)
    {
        await using var c = await _host.Services.GetRequiredService<Database>().OpenAsync();
        return (await Dapper.SqlMapper.ExecuteScalarAsync<string>(c, "SELECT instance_id FROM subscription_provisioning WHERE subscription_id = @subscriptionId",
            new { subscriptionId }))!;
    }

    private Task<HttpClient> As(string email) => _clients.As(email);

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) =>
        JsonDocument.Parse(await SignedInClients.BodyAsync(response, expected)).RootElement.Clone();
}
