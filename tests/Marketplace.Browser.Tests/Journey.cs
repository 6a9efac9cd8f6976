using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// One person in one browser context: a language (German, or English through the header switch) and a width. Every
/// page the journey reaches goes through <see cref="CheckAsync"/>: axe-core, no sideways scrolling, and a screenshot
/// for the key pages.
/// </summary>
public sealed class Journey : IAsyncDisposable
{
    public const int PhoneWidth = PageChecks.PhoneWidth;
    private readonly IBrowserContext _context;

    private Journey(IBrowserContext context, IPage page, BrowserHost host, string language, int width) =>
        (_context, Page, Host, Language, Width) = (context, page, host, language, width);

    public IPage Page { get; }
    public BrowserHost Host { get; }
    public string Language { get; }
    public int Width { get; }
    public string Device => Width <= PhoneWidth ? "phone" : "desktop";
    public bool English => Language == "en";

    /// <summary>The German or the English text, whichever the journey's language shows.</summary>
    public string T(string de, string en) => English ? en : de;

    public static async Task<Journey> StartAsync(IBrowser browser, BrowserHost host, string language, int width)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            Locale = "de-DE", // a German browser; English comes from the switch in the header
        });
        // CI runs the test projects side by side on two cores (the load test among them): a page can take seconds to
        // come. Generous waits keep the journeys about behaviour, not about how busy the machine is.
        context.SetDefaultTimeout(45_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        return new Journey(context, page, host, language, width);
    }

    /// <summary>Signs in through the login form (German first), then switches to the journey's language in the header.</summary>
    public async Task SignInAsync(string email)
    {
        await Page.GotoAsync(Host.BaseUrl + "/konto/anmelden");
        await CheckAsync("login");
        await Page.Locator("#field-Email").FillAsync(email);
        await Page.Locator("#field-Password").FillAsync(BrowserHost.Password);
        await Page.Locator("main button[type=submit]").First.ClickAsync();
        await Assertions.Expect(Page.Locator("form[action='/konto/abmelden'] button")).ToHaveCountAsync(1);
        if (English) await Page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", Language);
    }

    /// <summary>Opens a page by address and checks it.</summary>
    public async Task GoAsync(string path, string? screenshot = null)
    {
        var response = await Page.GotoAsync(Host.BaseUrl + path);
        Assert.That(response?.Status, Is.EqualTo(200), path);
        await CheckAsync(screenshot);
    }

    /// <summary>Follows a link of the main navigation, opening the menu first where it is folded (phones).</summary>
    public async Task NavigateAsync(string de, string en, string? screenshot = null)
    {
        var toggle = Page.Locator("#nav-toggle");
        if (await toggle.IsVisibleAsync() && await toggle.GetAttributeAsync("aria-expanded") != "true") await toggle.ClickAsync();
        await Page.Locator("#main-nav").GetByRole(AriaRole.Link, new() { Name = T(de, en), Exact = true }).ClickAsync();
        await CheckAsync(screenshot);
    }

    /// <summary>Opens the search filters where they are folded into their disclosure (phones).</summary>
    public async Task OpenFiltersAsync()
    {
        var panel = Page.Locator("details.filter-panel");
        if (await panel.GetAttributeAsync("open") is null) await panel.Locator(":scope > summary").ClickAsync();
    }

    /// <summary>The checks every page must pass (<see cref="PageChecks"/>), and a screenshot of the key pages.</summary>
    public Task CheckAsync(string? screenshot = null) => PageChecks.AssertAsync(Page, Width, screenshot);

    /// <summary>Reloads the page until the locator's text is exactly this (the host's workers move things along meanwhile).</summary>
    public Task ReloadUntilAsync(ILocator locator, string text, int seconds = 60) =>
        ReloadUntilAsync(locator, t => t.Trim() == text, $"\"{text}\"", seconds);

    /// <summary>Reloads the page until the locator's text contains this (a notice the host's notifier writes meanwhile).</summary>
    public Task ReloadUntilContainsAsync(ILocator locator, string text, int seconds = 60) =>
        ReloadUntilAsync(locator, t => t.Contains(text, StringComparison.Ordinal), $"text containing \"{text}\"", seconds);

    private async Task ReloadUntilAsync(ILocator locator, Func<string, bool> shows, string what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!(await locator.AllInnerTextsAsync()).Any(shows))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{Page.Url} did not show {what} within {seconds} s: {string.Join(" | ", await locator.AllInnerTextsAsync())}");
            await Task.Delay(500);
            await Page.ReloadAsync();
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
