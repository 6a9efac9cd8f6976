using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A CIO sees what an order costs before placing it (the order form's cost summary with the usage estimated for her
/// municipality), collects offerings of two vendors on the Merkliste, sees their combined cost and orders them in one
/// order with the shared details entered once. Every page reached is checked stricter than the shared journey check:
/// no axe violation of any impact (best practices included), no sideways scrolling at either width, no pound sign and
/// no text of the other language.
/// </summary>
public class BasketJourneyTests : JourneyTests
{
    [TestCase("de", 1280)]
    [TestCase("de", Journey.PhoneWidth)]
    [TestCase("en", 1280)]
    [TestCase("en", Journey.PhoneWidth)]
    public async Task A_CIO_sees_the_cost_summary_collects_offerings_on_the_merkliste_and_orders_them_together(string language, int width)
    {
        await using var cio = await StartAsync(language, width);
        var page = cio.Page;
        await cio.SignInAsync("einkauf@muenchen.example");

        // The order form: the cost summary estimates the Anträge for München's inhabitants and says it is an estimate.
        await GoAsync(cio, "/angebote/meldeportal-komuna/bestellen", "order-form-cost-summary");
        await Expect(page.Locator(".cost-summary .estimate").First).ToContainTextAsync(new Regex(cio.T("Schätzung für [0-9.]+ Einwohner", "Estimate for [0-9,]+ inhabitants")));
        await Expect(page.Locator(".cost-summary tfoot")).ToContainTextAsync("€");

        // From another order form, the chosen plan goes on the Merkliste instead of being ordered.
        await GoAsync(cio, "/angebote/gaststaettenerlaubnis-alpenstadt/bestellen");
        await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Auf die Merkliste", "Add to shortlist"), Exact = true }).ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("steht auf Ihrer Merkliste", "is on your shortlist"));
        await StrictCheckAsync(cio);

        // A second vendor's offering from its page.
        await GoAsync(cio, "/angebote/veranstaltung-versammlung-paragraf");
        await page.Locator("main form[action*='merkliste'] button").ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("steht auf Ihrer Merkliste", "is on your shortlist"));
        await StrictCheckAsync(cio, "basket");
        await Expect(page.Locator("main section.task h2")).ToHaveCountAsync(2);
        await Expect(page.Locator("#combined-cost tfoot")).ToContainTextAsync("€");

        // Shared details once, each offering's own below it; one order for both.
        await page.Locator("[name='shared.behoerde']").FillAsync("Kreisverwaltungsreferat München");
        await page.Locator("[name='shared.kontaktEmail']").FillAsync("kvr@muenchen.example");
        foreach (var ags in await page.Locator("input[name$='.ags']").AllAsync())
            if (string.IsNullOrEmpty(await ags.InputValueAsync())) await ags.FillAsync(Muenchen);
        foreach (var email in await page.Locator("input[name$='.notfallEmail']").AllAsync()) await email.FillAsync("lagezentrum@muenchen.example");
        await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Alle bestellen", "Order all"), Exact = true }).ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("Vielen Dank", "Thank you"));
        await StrictCheckAsync(cio, "basket-ordered");
        await Expect(page.Locator("main a[href*='/abonnements/']")).ToHaveCountAsync(2);

        await cio.NavigateAsync("Merkliste", "Shortlist");
        await Expect(page.Locator("main")).ToContainTextAsync(cio.T("Ihre Merkliste ist leer", "Your shortlist is empty"));
        await StrictCheckAsync(cio);
    }

    private static async Task GoAsync(Journey cio, string path, string? screenshot = null)
    {
        var response = await cio.Page.GotoAsync(cio.Host.BaseUrl + path);
        Assert.That(response?.Status, Is.EqualTo(200), path);
        await StrictCheckAsync(cio, screenshot);
    }

    /// <summary>The shared journey check, then every axe rule at every impact, no overflow at any width, no £, no text of the other language.</summary>
    private static async Task StrictCheckAsync(Journey cio, string? screenshot = null)
    {
        await cio.CheckAsync(screenshot);
        var page = cio.Page;
        var result = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        Assert.That(result.Violations.Select(v => $"{v.Id} ({v.Impact}) on {page.Url}: {v.Help} – {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"), Is.Empty);
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.That(scrollWidth, Is.LessThanOrEqualTo(cio.Width), $"{page.Url} scrolls sideways");
        // Text the user reads, outside content that is German only by nature (descriptions marked lang="de").
        var text = await page.EvaluateAsync<string>("""
            () => { const c = document.body.cloneNode(true); c.querySelectorAll('[lang="de"], script, style').forEach(e => e.remove()); return c.innerText; }
            """);
        Assert.That(text, Does.Not.Contain("£"), page.Url);
        var foreign = cio.English
            ? new[] { "Kostenübersicht", "Merkliste", "Schätzung", "Erste Rechnung", "Gesamtkosten", "Alle bestellen", "je Monat", "einmalig", "Entfernen" }
            : new[] { "Cost summary", "Shortlist", "Estimate for", "First invoice", "Total cost", "Order all", "a month", "one-time", "Remove " };
        Assert.That(foreign.Where(w => text.Contains(w, StringComparison.Ordinal)), Is.Empty, $"text of the other language on {page.Url}");
    }
}
