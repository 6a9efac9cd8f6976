using System.Net;
using System.Net.Sockets;
using Marketplace.DevelopmentHosting;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Marketplace.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;

// Every browser test starts a host on Kestrel and drives Chromium: developers leave them out with --filter "TestCategory!=Slow".
[assembly: Category("Slow")]

namespace Marketplace.Browser.Tests;

/// <summary>
/// The real host on a loopback port (Kestrel, fresh SQLite seeded from catalog/) and Debian's headless Chromium
/// driven by Playwright. Screenshots go to artifacts/screenshots/ (not committed) for people to look at.
/// With <c>withAccounts</c> the demo organisations and accounts are seeded, the sample broker runs embedded on a free
/// port with the catalogue's broker offerings pointed at it, provisioning polls fast and a seller is configured for
/// invoices: journeys that sign in, order, provision and bill.
/// </summary>
public sealed class BrowserHost : WebApplicationFactory<Program>
{
    /// <summary>
    /// Chromium's headless shell (Debian's chromium-headless-shell, the build Playwright itself runs headless): the same
    /// Blink and V8 without the full browser behind them. The journeys cost it about 190 CPU-seconds against about 300
    /// in the full browser's headless mode.
    /// </summary>
    public const string ChromiumPath = "/usr/bin/chromium-headless-shell";
    public const string Password = "Marktplatz-Demo-2026!";

    /// <summary>
    /// The embedded broker's address for every host of the run: the template's broker offerings point at it, so a host on
    /// a copy finds its broker there without importing the catalogue again. The hosts run one after another (the assembly
    /// runs no fixtures in parallel), so only one broker listens on it at a time.
    /// </summary>
    private static readonly string BrokerUrl = $"http://127.0.0.1:{FreePort()}";

    private readonly TestDatabase _database;
    private readonly bool _withAccounts;
    private readonly IReadOnlyDictionary<string, string> _extra;
    private readonly bool _isTemplate;

    private BrowserHost(TestDatabase database, bool withAccounts, IReadOnlyDictionary<string, string>? extra, bool isTemplate) =>
        (_database, _withAccounts, _extra, _isTemplate) = (database, withAccounts, extra ?? new Dictionary<string, string>(), isTemplate);

    public string BaseUrl { get; private set; } = "";

    /// <summary>The host's clock: the catalogue's reference date, running on in real time; journeys move it on to bill a month.</summary>
    public ShiftedClock Clock { get; } = new(TestClock.CatalogueDate);

    /// <summary>The embedded sample broker (hosts started with accounts only): tests inject and clear faults on its state.</summary>
    public SampleBrokerServer Broker => Services.GetRequiredService<EmbeddedSampleBroker>().Server!;

    /// <param name="settings">More configuration (e.g. a relying party's redirect URI), applied last.</param>
    public static async Task<BrowserHost> StartAsync(bool withAccounts = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        // Migrating and seeding a fresh database was most of a host's start: every host copies one seeded once per kind and
        // settings by a host started on the template, with the broker offerings already pointed at the run's broker.
        var key = TestDatabase.TemplateKey($"{nameof(BrowserHost)} accounts={withAccounts}",
            settings?.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        var database = await TestDatabase.FromTemplateAsync(DatabaseEngine.Sqlite, key, async template =>
        {
            await using var seeding = new BrowserHost(template, withAccounts, settings, isTemplate: true);
            seeding.StartServer();
            if (withAccounts) await seeding.PointBrokerOfferingsAtBrokerAsync();
        });
        var host = new BrowserHost(database, withAccounts, settings, isTemplate: false);
        host.UseKestrel(0);
        await TestTiming.TimeAsync($"Sqlite start {nameof(BrowserHost)}", () => { host.StartServer(); return Task.CompletedTask; });
        host.BaseUrl = host.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Engine", "Sqlite");
        builder.UseSetting("Database:ConnectionString", _database.Database.ConnectionString);
        builder.UseSetting("Catalog:Path", RepoPaths.Catalog);
        // The copy holds the catalogue the template imported and pointed at the broker: importing catalog/ again would
        // undo the pointing and rebuild the search index for nothing.
        builder.UseSetting("Catalog:SeedOnStart", _isTemplate ? "true" : "false");
        // The seed's evidence is valid at the catalogue's reference date; on the real clock it expires as time passes.
        builder.UseSetting("Conformance:RunDailyJob", "false");
        // The prober would ask the demo catalogue's status URLs (nobody listens there) and its monthly evaluation notify; tests run them on demand.
        builder.UseSetting("Availability:ProbeEnabled", "false");
        // Plain HTTP on loopback by design: no redirect to an HTTPS port that does not exist.
        builder.UseSetting("Hosting:HttpsRedirect", "false");
        // Every request and worker loop logged at Information, as JSON to a console nobody reads, costs the host CPU the journeys need.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        foreach (var (key, value) in _extra) builder.UseSetting(key, value);
        if (!_withAccounts) return;

        var settings = new Dictionary<string, string>
        {
            ["Identity:SeedDemoData"] = "true",
            ["Identity:LoginAttemptsPerMinute"] = "10000",
            ["Identity:TokenRequestsPerMinute"] = "10000",
            // Kestrel here speaks plain HTTP on loopback; the vendor system's token request goes over it.
            ["Identity:RequireHttps"] = "false",
            [EmbeddedSampleBroker.UrlSetting] = BrokerUrl,
            ["SampleBroker:LatencyMs"] = "300",
            ["OutboundHttp:AllowPrivateNetworks"] = "true", // the sample broker listens on loopback
            ["SampleBroker:RetryAfterSeconds"] = "0",
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:DefaultPollInterval"] = "00:00:00.100",
            ["Provisioning:BaseBackoff"] = "00:00:00.020",
            ["Provisioning:MaxBackoff"] = "00:00:00.100",
            ["Provisioning:MaxFailures"] = "2",
            ["Provisioning:BrokerRequestTimeout"] = "00:00:05",
            ["Email:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "marketplace-browser-mail"),
        };
        // The seller on every invoice; without it no invoice passes the XRechnung checks and none can be finalized.
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["Name"] = "Marktplatz Kommunal (Test)", ["Street"] = "Beispielweg 1", ["PostalCode"] = "10115", ["City"] = "Berlin",
                     ["CountryCode"] = "DE", ["VatId"] = "DE123456789", ["ContactName"] = "Rechnungsstelle", ["ContactPhone"] = "+49 30 1234567",
                     ["ContactEmail"] = "rechnung@example.org", ["ElectronicAddress"] = "rechnung@example.org", ["Iban"] = "DE02120300000000202051",
                     ["Bic"] = "BYLADEM1001", ["AccountHolder"] = "Marktplatz Kommunal (Test)",
                 })
            settings["Billing:Seller:" + key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        foreach (var (key, value) in _extra) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            // Outside Development the cookies are Secure-only; this host is plain HTTP on loopback.
            services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
            services.PostConfigure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        });
    }

    /// <summary>Imports catalog/ again with every broker offering's URL at the run's embedded broker (as the provisioning host tests do).</summary>
    private async Task PointBrokerOfferingsAtBrokerAsync()
    {
        var snapshot = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!;
        var pointed = snapshot with
        {
            Offerings = snapshot.Offerings.Select(l => l.Value.Provisioning.Type == "osb"
                ? l with { Value = l.Value with { Provisioning = l.Value.Provisioning with { BrokerUrl = Broker.BaseAddress.ToString() } }, ContentHash = l.ContentHash + "-browser" }
                : l).ToList(),
        };
        await new CatalogImporter(Services.GetRequiredService<Database>()).ImportAsync(pointed);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_isTemplate) await _database.DisposeAsync();
    }

    public static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (TestDatabase.IsCi) Assert.Fail($"{ChromiumPath} is missing: .ci/run installs Debian's chromium-headless-shell package.");
            // Outside CI a developer without Chromium gets the reason instead of a failure.
            Assert.Ignore($"{ChromiumPath} is not installed (apt-get install chromium-headless-shell).");
        }
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // The machine has no network: keep Chromium from reaching for Google's services at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}

/// <summary>The system clock moved to a start instant; timers run in real time, so the host's workers keep working.</summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks = (start - DateTimeOffset.UtcNow).Ticks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
