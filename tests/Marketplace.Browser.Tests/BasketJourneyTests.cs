using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A CIO sees what an order costs before placing it (the order form's cost summary with the usage estimated for her
/// municipality), collects offerings of two vendors on the Merkliste, sees their combined cost and orders them in one
/// order with the shared details entered once. Every page reached passes <see cref="PageChecks"/>; the order form and
/// the Merkliste are photographed at both widths and in both languages.
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
        await cio.GoAsync("/angebote/meldeportal-komuna/bestellen", "order-form");
        await Expect(page.Locator(".cost-summary .estimate").First).ToContainTextAsync(new Regex(cio.T("Schätzung für [0-9.]+ Einwohner", "Estimate for [0-9,]+ inhabitants")));
        await Expect(page.Locator(".cost-summary tfoot")).ToContainTextAsync("€");

        // Live as choices change (no "Kosten berechnen" click): an add-on joins the summary; another plan offers only its own
        // add-ons and brings its own setup fee.
        await page.Locator("input[name=AddOnIds][value=mehrsprachigkeit]").CheckAsync();
        await Expect(page.Locator(".cost-summary tbody")).ToContainTextAsync(cio.T("Mehrsprachige Oberfläche", "Multilingual interface"));
        // Screen readers hear the new total through a status region that outlives the swapped summary.
        await Expect(page.Locator("form[data-live-quote] [role=status]")).ToContainTextAsync(cio.T("12 Monate", "12 months"));
        await page.Locator("input[name=PlanId][value=grossstadt]").CheckAsync();
        await Expect(page.Locator("input[name=AddOnIds][value=mehrsprachigkeit]")).ToHaveCountAsync(0);
        await Expect(page.Locator(".cost-summary tbody")).ToContainTextAsync(cio.T("3.500,00", "3,500.00"));
        await Expect(page.Locator(".cost-summary tbody")).Not.ToContainTextAsync(cio.T("Mehrsprachige Oberfläche", "Multilingual interface"));
        await cio.CheckAsync();

        // From another order form, the chosen plan goes on the Merkliste instead of being ordered.
        await cio.GoAsync("/angebote/gaststaettenerlaubnis-alpenstadt/bestellen");
        await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Auf die Merkliste", "Add to shortlist"), Exact = true }).ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("steht auf Ihrer Merkliste", "is on your shortlist"));
        await cio.CheckAsync();

        // A second vendor's offering from its page.
        await cio.GoAsync("/angebote/veranstaltung-versammlung-paragraf");
        await page.Locator("main button[form^='basket-add-']").ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("steht auf Ihrer Merkliste", "is on your shortlist"));
        await cio.CheckAsync("basket");
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
        await cio.CheckAsync("basket-ordered");
        await Expect(page.Locator("main a[href*='/abonnements/']")).ToHaveCountAsync(2);

        await cio.NavigateAsync("Merkliste", "Shortlist");
        await Expect(page.Locator("main")).ToContainTextAsync(cio.T("Ihre Merkliste ist leer", "Your shortlist is empty"));
        await cio.CheckAsync();
    }
}
