using System.Net;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Brokers;

/// <summary>The vendor portal's broker-connection pages and the "Broker anbinden" page, as a browser uses them.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class BrokerPagesTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private static Dictionary<string, string> Form(string name, string url, string secret) => new()
    {
        ["Input.Name"] = name, ["Input.BrokerUrl"] = url, ["Input.AuthKind"] = "basic", ["Input.Username"] = "plattform", ["Input.Secret"] = secret,
    };

    private async Task<string> CreateAsync(string name, string secret)
    {
        var admin = await _host.SignedInAsync(KomunaAdmin);
        var created = await IdentityHost.PostFormAsync(admin, "/anbieterportal/broker", Form(name, "http://127.0.0.1:9/osb", secret), "Save");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await created.Content.ReadAsStringAsync());
        return created.Headers.Location!.ToString();
    }

    [Test]
    public async Task A_vendor_admin_creates_a_connection_on_the_page_and_sees_set_but_never_the_secret()
    {
        var secret = "seiten-geheimnis-" + Unique();
        var location = await CreateAsync("seite-" + Unique(), secret);
        Assert.That(location, Does.StartWith("/anbieterportal/broker/").And.Contain("notice=created"));

        var page = WebUtility.HtmlDecode(await (await _host.SignedInAsync(KomunaAdmin)).GetStringAsync(location));
        Assert.That(page, Does.Contain("gesetzt"));
        Assert.That(page, Does.Not.Contain(secret));
        Assert.That(page, Does.Contain("Verbindung prüfen"));
        Assert.That(page, Does.Contain("type=\"password\""));
    }

    [Test]
    public async Task Credentials_in_the_broker_address_are_refused_at_the_field_and_not_echoed()
    {
        var admin = await _host.SignedInAsync(KomunaAdmin);
        var response = await IdentityHost.PostFormAsync(admin, "/anbieterportal/broker",
            Form("url-" + Unique(), "https://plattform:im-url-geheim@broker.example.org/osb", "x"), "Save");
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("href=\"#field-Input.BrokerUrl\""));
        Assert.That(page, Does.Contain("Zugangsdaten gehören nicht in die Adresse"));
        Assert.That(page, Does.Contain("id=\"field-Input.BrokerUrl\""));
    }

    [Test]
    public async Task The_check_button_shows_each_finding_with_its_reason()
    {
        var location = await CreateAsync("pruefen-" + Unique(), "geheim-" + Unique());
        var id = location.Split('?')[0].Split('/').Last();
        var admin = await _host.SignedInAsync(KomunaAdmin);
        var checkedResponse = await IdentityHost.PostFormAsync(admin, $"/anbieterportal/broker/{id}", [], "Check");
        Assert.That(checkedResponse.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await checkedResponse.Content.ReadAsStringAsync());
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync(checkedResponse.Headers.Location!.ToString()));
        Assert.That(page, Does.Contain("Die Prüfung ist fehlgeschlagen"));
        Assert.That(page, Does.Contain("Broker nicht erreichbar"));
        Assert.That(page, Does.Contain("GET http://127.0.0.1:9/osb/v2/catalog"));
    }

    [Test]
    public async Task An_editor_reads_the_connections_without_the_form_and_other_tenants_do_not_see_them()
    {
        var location = await CreateAsync("lesen-" + Unique(), "geheim-" + Unique());
        var editorPage = await (await _host.SignedInAsync(KomunaEditor)).GetStringAsync("/anbieterportal/broker");
        Assert.That(editorPage, Does.Contain("lesen-"));
        Assert.That(editorPage, Does.Not.Contain("handler=Save"));

        Assert.That((await (await _host.SignedInAsync(HavelsoftAdmin)).GetAsync(location)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var municipality = await (await _host.SignedInAsync(MuenchenAdmin)).GetAsync("/anbieterportal/broker");
        Assert.That(municipality.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(municipality.Headers.Location!.ToString(), Does.Contain("kein-zugriff"));
    }

    [Test]
    public async Task The_broker_guide_page_renders_the_documentation_with_what_the_platform_sends()
    {
        var page = WebUtility.HtmlDecode(await (await _host.SignedInAsync(KomunaEditor)).GetStringAsync("/anbieterportal/broker-anbinden"));
        Assert.That(page, Does.Contain("<h1"));
        Assert.That(page, Does.Contain("organization_guid").And.Contain("X-Broker-API-Originating-Identity").And.Contain("context.suspended"));
        Assert.That(page, Does.Contain("English summary"));
    }
}
