using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A CIO finds a service, narrows it down, reads an offering and compares the vendors for its Leistung,
/// with the keyboard-and-mouse UI only, in German and English, on a desktop and a 360 px phone.
/// </summary>
[NonParallelizable]
public class CatalogueJourneyTests
{
    private BrowserHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await BrowserHost.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [TestCase("de", 1280, "desktop")]
    [TestCase("en", 1280, "desktop")]
    [TestCase("de", 360, "phone")]
    [TestCase("en", 360, "phone")]
    public async Task A_CIO_searches_filters_reads_and_compares(string language, int width, string device)
    {
        await using var context = await BrowserSession.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            Locale = "de-DE", // a German browser; the English run switches with the link in the header
        });
        var page = await context.NewPageAsync();
        var t = Texts.For(language);

        await page.GotoAsync(_host.BaseUrl + "/");
        if (language == "en") await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await PageChecks.AssertAsync(page, width, "home");

        // Search from the home page.
        await page.GetByLabel(t.SearchLabel).First.FillAsync("Ummeldung");
        await page.GetByRole(AriaRole.Button, new() { Name = t.SearchButton }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/angebote\\?q=Ummeldung"));
        var status = page.GetByRole(AriaRole.Status);
        await Expect(status).ToContainTextAsync(t.Found);
        var before = int.Parse(new string((await status.InnerTextAsync()).TakeWhile(char.IsDigit).ToArray()));
        Assert.That(before, Is.GreaterThan(1));
        await PageChecks.AssertAsync(page, width, "results");

        // Narrow down: Reifegrad 4 (the facet group is open by default; on a phone the filters fold into one
        // disclosure above the results), apply.
        var filters = page.Locator("details.filter-panel");
        Assert.That(await filters.GetAttributeAsync("open"), width <= PageChecks.PhoneWidth ? Is.Null : Is.Not.Null);
        if (width <= PageChecks.PhoneWidth) await filters.Locator(":scope > summary").ClickAsync();
        await page.GetByLabel(t.Reifegrad4).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = t.ApplyFilters }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("reifegrad=4"));
        var after = int.Parse(new string((await status.InnerTextAsync()).TakeWhile(char.IsDigit).ToArray()));
        Assert.That(after, Is.GreaterThan(0).And.LessThan(before));
        await Expect(page.GetByLabel(t.Reifegrad4)).ToBeCheckedAsync();

        // Read the first offering, then compare the vendors of its first Leistung.
        await page.Locator("ol.results h2 a").First.ClickAsync();
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Plans })).ToBeVisibleAsync();
        await PageChecks.AssertAsync(page, width, "offering");

        await page.Locator("#leistungen-list a").First.ClickAsync();
        await Expect(page.Locator("table.compare")).ToBeVisibleAsync();
        Assert.That(await page.Locator("table.compare tbody tr").CountAsync(), Is.GreaterThanOrEqualTo(1));
        await PageChecks.AssertAsync(page, width, "compare");
    }

    [Test]
    public async Task Every_offering_page_and_the_search_page_fit_a_phone()
    {
        await using var context = await BrowserSession.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE", ViewportSize = new ViewportSize { Width = PageChecks.PhoneWidth, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_host.BaseUrl + "/angebote?q=Ummeldung");
        await PageChecks.AssertNoSidewaysScrollingAsync(page, PageChecks.PhoneWidth);
        var ids = Marketplace.Catalog.Descriptors.CatalogLoader.Load(Marketplace.Testing.RepoPaths.Catalog).Snapshot!.Offerings.Select(l => l.Value.Id).ToList();
        Assert.That(ids, Has.Count.GreaterThan(60));
        foreach (var id in ids)
        {
            var response = await page.GotoAsync($"{_host.BaseUrl}/angebote/{id}");
            Assert.That(response?.Status, Is.EqualTo(200), id);
            await PageChecks.AssertNoSidewaysScrollingAsync(page, PageChecks.PhoneWidth);
        }
    }

    [Test]
    public async Task The_skip_link_is_the_first_stop_and_moves_focus_to_the_content()
    {
        await using var context = await BrowserSession.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_host.BaseUrl + "/angebote");
        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')");
        Assert.That(focused, Is.EqualTo("#main"));
        await page.Keyboard.PressAsync("Enter");
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.id"), Is.EqualTo("main"));
    }

    [Test]
    public async Task On_a_phone_the_menu_button_opens_and_closes_the_navigation_from_the_keyboard()
    {
        await using var context = await BrowserSession.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE", ViewportSize = new ViewportSize { Width = 360, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_host.BaseUrl + "/");
        var button = page.Locator("#nav-toggle");
        var offerings = page.Locator("#main-nav").GetByRole(AriaRole.Link, new() { Name = "Angebote", Exact = true });
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(offerings).ToBeHiddenAsync();

        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(offerings).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.textContent"), Is.EqualTo("Angebote"), "the first link follows the button");
        await Accessibility.AssertNoViolationsAsync(page);

        await page.Keyboard.PressAsync("Escape");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(offerings).ToBeHiddenAsync();
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.id"), Is.EqualTo("nav-toggle"));

        // On a desktop the links are always there and the button is not.
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(button).ToBeHiddenAsync();
        await Expect(offerings).ToBeVisibleAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private sealed record Texts(string SearchLabel, string SearchButton, string Found, string Reifegrad4, string ApplyFilters, string Plans)
    {
        public static Texts For(string language) => language == "de"
            ? new("Suchbegriff", "Suchen", "Angebote gefunden", "Reifegrad 4", "Filter anwenden", "Pakete und Preise")
            : new("Search term", "Search", "offerings found", "Maturity level 4", "Apply filters", "Plans and prices");
    }
}
