using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// One headless Chromium for every fixture of the assembly: a launch costs seconds of CPU, while a browser context per
/// journey keeps cookies and storage apart as well as a browser of its own would.
/// </summary>
[SetUpFixture]
public sealed class BrowserSession
{
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is launched by the set-up fixture.");

    [OneTimeSetUp]
    public async Task Launch()
    {
        _playwright = await Playwright.CreateAsync();
        // Provisioning and billing happen in the hosts' workers: give a page some seconds to show their result.
        Assertions.SetDefaultExpectTimeout(45_000);
        _browser = await BrowserHost.LaunchChromiumAsync(_playwright);
    }

    [OneTimeTearDown]
    public async Task Close()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
