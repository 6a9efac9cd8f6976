using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Identity;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The real host in memory over HTTPS (secure cookies, OpenIddict's transport rule), on a database of one engine, with the
/// catalogue and the demo organisations and accounts seeded. Can be restarted on the same database. On a copy of the seeded
/// template (<paramref name="catalogSeeded"/>) it does not import catalog/ again: the copy holds what the template's import
/// left with the same seed-relevant settings, so a second import per start would only repeat that work.
/// </summary>
public sealed partial class IdentityHost(TestDatabase database, IReadOnlyDictionary<string, string?> settings, bool catalogSeeded = false)
    : WebApplicationFactory<Program>
{
    public static readonly Uri BaseAddress = new("https://localhost");
    // Fixtures running side by side share a host of SharedHosts: one sign-in per account, whoever asks first.
    private readonly ConcurrentDictionary<string, Lazy<Task<HttpClient>>> _signedIn = new();

    public TestDatabase Database { get; } = database;
    public string MailFolder { get; } = Directory.CreateTempSubdirectory("marketplace-mail-").FullName;

    /// <summary>A host on a copy of a database this host type migrated and seeded once per engine (and seed-relevant settings).</summary>
    public static async Task<IdentityHost> StartAsync(DatabaseEngine engine, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await SeededDatabaseAsync(engine, settings);
        return await TestTiming.TimeAsync($"{engine} start {nameof(IdentityHost)}", () =>
        {
            var host = new IdentityHost(database, settings ?? new Dictionary<string, string?>(), catalogSeeded: true);
            _ = host.Server; // start now
            return Task.FromResult(host);
        });
    }

    /// <summary>A copy of the database this host type migrated and seeded once per engine (and seed-relevant settings).</summary>
    public static Task<TestDatabase> SeededDatabaseAsync(DatabaseEngine engine, IReadOnlyDictionary<string, string?>? settings = null) =>
        TestDatabase.FromTemplateAsync(engine, TestDatabase.TemplateKey(nameof(IdentityHost), settings), async template =>
        {
            var seeding = Start(template, settings);
            await seeding.StopAsync();
            seeding.DeleteMailFolder();
        });

    /// <summary>
    /// A host on an existing database, as after a restart. <paramref name="catalogSeeded"/>: the database holds the
    /// catalogue already, so this start does not import it again (production hosts do not import at start either).
    /// </summary>
    public static IdentityHost Start(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, bool catalogSeeded = false)
    {
        var host = new IdentityHost(database, settings ?? new Dictionary<string, string?>(), catalogSeeded);
        _ = host.Server; // start now: migrations and seeding happen here
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(IdentityModule.TestingEnvironment);
        foreach (var (key, value) in Database.HostSettings()) builder.UseSetting(key, value);
        if (catalogSeeded) builder.UseSetting("Catalog:SeedOnStart", "false");
        // Every request logged at Information to a console nobody reads costs CPU; tests that read logs set their level.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Sample brokers listen on loopback; a test of the outbound guard sets this back to false.
        builder.UseSetting("OutboundHttp:AllowPrivateNetworks", "true");
        // The prober would ask the demo catalogue's status URLs (nobody listens there) and its monthly evaluation notify; tests run them on demand.
        builder.UseSetting("Availability:ProbeEnabled", "false");
        builder.UseSetting("Identity:SeedDemoData", "true");
        builder.UseSetting("Identity:LoginAttemptsPerMinute", "10000");
        builder.UseSetting("Identity:TokenRequestsPerMinute", "10000");
        // Every sign-in and every password set would otherwise spend 100,000 PBKDF2 iterations; what is tested is the flow.
        builder.UseSetting("Identity:PasswordHashIterations", "1");
        builder.UseSetting("Identity:Server:WebClientRedirectUris:0", "https://localhost/callback");
        builder.UseSetting("Identity:PublicBaseUrl", "https://localhost");
        builder.UseSetting("Email:PickupDirectory", MailFolder);
        // The seller on every invoice; without it no XRechnung passes the BR-DE checks and nothing can be finalized.
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["Name"] = "Marktplatz Kommunal (Test)", ["Street"] = "Beispielweg 1", ["PostalCode"] = "10115", ["City"] = "Berlin",
                     ["CountryCode"] = "DE", ["VatId"] = "DE123456789", ["ContactName"] = "Rechnungsstelle", ["ContactPhone"] = "+49 30 1234567",
                     ["ContactEmail"] = "rechnung@example.org", ["ElectronicAddress"] = "rechnung@example.org", ["Iban"] = "DE02120300000000202051",
                     ["Bic"] = "BYLADEM1001", ["AccountHolder"] = "Marktplatz Kommunal (Test)",
                 })
            builder.UseSetting("Billing:Seller:" + key, value);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed (tests look at them).</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client signed in through the login form as this demo account (cached per host).</summary>
    public Task<HttpClient> SignedInAsync(string email) => _signedIn.GetOrAdd(email, e => new(() => SignInAsync(e))).Value;

    private async Task<HttpClient> SignInAsync(string email)
    {
        var client = Browser();
        var response = await PostFormAsync(client, "/konto/anmelden", new() { ["Email"] = email, ["Password"] = DemoSeeder.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"login of {email}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>GETs the form page, takes its antiforgery token and posts the fields, as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, Dictionary<string, string> fields, string? handler = null,
        string? action = null)
    {
        var html = await (await client.GetAsync(page)).Content.ReadAsStringAsync();
        fields["__RequestVerificationToken"] = AntiforgeryToken(html);
        // A form may post to another page (action), as "Auf die Merkliste" on an offering's page does.
        var url = action ?? (handler is null ? page : page + (page.Contains('?') ? "&" : "?") + "handler=" + handler);
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryPattern().Match(html);
        Assert.That(match.Success, Is.True, "no antiforgery token in the form");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    /// <summary>Stops the host but keeps the database (for restart tests).</summary>
    public async Task StopAsync()
    {
        foreach (var c in _signedIn.Values) if (c.IsValueCreated && c.Value.IsCompletedSuccessfully) c.Value.Result.Dispose();
        await base.DisposeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Database.DisposeAsync();
        DeleteMailFolder();
    }

    private void DeleteMailFolder()
    {
        try { Directory.Delete(MailFolder, true); } catch (IOException) { }
    }
}

/// <summary>One host per engine, shared by the fixtures that only read or change their own rows.</summary>
[SetUpFixture]
public sealed class SharedHosts
{
    private static readonly Dictionary<DatabaseEngine, Task<IdentityHost>> Hosts = [];
    private static readonly Lock Gate = new();

    public static Task<IdentityHost> For(DatabaseEngine engine)
    {
        lock (Gate)
        {
            if (!Hosts.TryGetValue(engine, out var host)) Hosts[engine] = host = IdentityHost.StartAsync(engine);
            return host;
        }
    }

    [OneTimeTearDown]
    public async Task StopAll()
    {
        foreach (var host in Hosts.Values) await (await host).DisposeAsync();
        Hosts.Clear();
    }
}
