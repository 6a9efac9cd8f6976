using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// The real host on a loopback port (Kestrel, fresh SQLite seeded from catalog/) and Debian's headless Chromium
/// driven by Playwright. Screenshots go to artifacts/screenshots/ (not committed) for people to look at.
/// </summary>
public sealed class BrowserHost : WebApplicationFactory<Program>
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly TestDatabase _database;

    private BrowserHost(TestDatabase database) => _database = database;

    public string BaseUrl { get; private set; } = "";

    public static async Task<BrowserHost> StartAsync()
    {
        var host = new BrowserHost(await TestDatabase.CreateAsync(DatabaseEngine.Sqlite, migrate: false));
        host.UseKestrel(0);
        host.StartServer();
        host.BaseUrl = host.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Engine", "Sqlite");
        builder.UseSetting("Database:ConnectionString", _database.Database.ConnectionString);
        builder.UseSetting("Catalog:Path", RepoPaths.Catalog);
        builder.UseSetting("Catalog:SeedOnStart", "true");
        // The seed's evidence is valid at the catalogue's reference date; on the real clock it expires as time passes.
        builder.UseSetting("Conformance:RunDailyJob", "false");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestClock.CatalogueDate)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    public static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (TestDatabase.IsCi) Assert.Fail($"{ChromiumPath} is missing: .ci/run installs Debian's chromium package.");
            // Outside CI a developer without Chromium gets the reason instead of a failure.
            Assert.Ignore($"{ChromiumPath} is not installed (apt-get install chromium).");
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
