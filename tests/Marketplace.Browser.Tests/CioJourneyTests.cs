using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A municipality's CIO finds and compares services, orders the "Umzug" life-event bundle with its shared details
/// entered once, watches both services being set up at the broker, and later sees their usage and the month's invoice.
/// </summary>
public class CioJourneyTests : JourneyTests
{
    [TestCase("de", 1280)]
    [TestCase("en", Journey.PhoneWidth)]
    public async Task A_CIO_orders_a_bundle_watches_it_provision_and_sees_usage_and_an_invoice(string language, int width)
    {
        await using (var cio = await StartAsync(language, width))
        {
            var page = cio.Page;
            await cio.SignInAsync("einkauf@muenchen.example");

            // Search, narrow down, compare the vendors for "Wohnsitz anmelden" (Leistung 10124).
            await cio.GoAsync("/", "cio-home");
            await page.GetByLabel(cio.T("Suchbegriff", "Search term")).First.FillAsync("Ummeldung");
            await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Suchen", "Search"), Exact = true }).First.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/angebote\\?q=Ummeldung"));
            await cio.CheckAsync();
            await cio.OpenFiltersAsync();
            await page.GetByLabel(cio.T("Reifegrad 4", "Maturity level 4")).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Filter anwenden", "Apply filters") }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("reifegrad=4"));
            await cio.CheckAsync("cio-results");
            await cio.GoAsync("/leistungen/10124", "cio-compare");
            Assert.That(await page.Locator("table.compare tbody tr").CountAsync(), Is.GreaterThanOrEqualTo(2));

            // The bundle: one offering for each of two Leistungen; the details both need are asked once.
            await cio.NavigateAsync("Bestellungen", "Orders", "cio-orders");
            await page.GetByRole(AriaRole.Link, new() { Name = cio.T("Umzug", "Moving house"), Exact = true }).ClickAsync();
            await cio.CheckAsync("bundle-choose");
            await page.Locator("select[name='sel.10124']").SelectOptionAsync("umzugsassistent-amtsfuchs");
            await page.Locator("select[name='sel.10014']").SelectOptionAsync("stadtbibliothek-online-komuna");
            await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Weiter", "Continue") }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = cio.T("Gemeinsame Angaben", "Shared details") })).ToBeVisibleAsync();
            Assert.That(await page.Locator("[name='o0.behoerde'], [name='o1.behoerde']").CountAsync(), Is.Zero, "the shared field is not asked per offering");
            await page.Locator("[name='shared.behoerde']").FillAsync("Kreisverwaltungsreferat München");
            await page.Locator("[name='shared.kontaktEmail']").FillAsync("umzug@muenchen.example");
            foreach (var ags in await page.Locator("input[name$='.ags']").AllAsync())
                if (string.IsNullOrEmpty(await ags.InputValueAsync())) await ags.FillAsync(Muenchen);
            await cio.CheckAsync("bundle-configure");
            await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Verbindlich bestellen", "Place order") }).ClickAsync();
            await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("Vielen Dank", "Thank you"));
            await cio.CheckAsync("order-placed");

            // Watch the set-up: each subscription reaches "active" at the broker.
            var links = page.Locator("main a[href*='/abonnements/']");
            await Expect(links).ToHaveCountAsync(2);
            var addresses = new List<string>();
            foreach (var link in await links.AllAsync()) addresses.Add((await link.GetAttributeAsync("href"))!);
            foreach (var address in addresses)
            {
                await cio.GoAsync(address);
                await cio.ReloadUntilAsync(page.Locator("main .facts-box .state"), cio.T("aktiv", "active"));
                await cio.CheckAsync(address == addresses[0] ? "subscription-active" : null);
                await Expect(page.Locator("ol.timeline")).ToContainTextAsync(cio.T("aktiv", "active"));
            }

            // Komuna's system reports 150 sign-ups this month; the usage page shows them against the 100 included.
            await ReportUsageAsync(await SubscriptionOfAsync("stadtbibliothek-online-komuna"), "neuanmeldungen", 150);
            await cio.NavigateAsync("Verbrauch", "Usage", "cio-usage");
            await Expect(page.Locator("main table").First).ToContainTextAsync("150");

            // Invoices for extras come as XRechnung to the Leitweg-ID: she chooses that once.
            // The invoices page lists what the billing account lacks and links to the one page where it is kept.
            await cio.NavigateAsync("Rechnungen", "Invoices");
            await page.GetByRole(AriaRole.Link, new() { Name = cio.T("Rechnungskonto bearbeiten", "Edit billing account") }).ClickAsync();
            await cio.CheckAsync("billing-account");
            await page.Locator("#channel-xrechnung").CheckAsync();
            await page.Locator("#field-Email").FillAsync("rechnung@muenchen.example");
            await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Zahlungsweg speichern", "Save payment channel") }).ClickAsync();
            await Expect(page.Locator("main .notice")).ToContainTextAsync(cio.T("gespeichert", "saved"));
            await cio.CheckAsync();
        }

        // Three days later November is over; the platform bills it and issues the invoices.
        Host.Clock.Advance(TimeSpan.FromDays(3));
        await using (var platform = await StartAsync("de", 1280))
        {
            await platform.SignInAsync("betrieb@plattform.example");
            await platform.GoAsync("/abrechnung/laeufe");
            await platform.Page.Locator("#field-Period").FillAsync("2026-11");
            await platform.Page.GetByRole(AriaRole.Button, new() { Name = "Lauf starten" }).ClickAsync();
            await Expect(platform.Page.Locator("main .notice")).ToContainTextAsync("abgerechnet");
            await platform.Page.Locator("main button", new() { HasText = "Entwürfe stellen" }).First.ClickAsync();
            await Expect(platform.Page.Locator("main .notice")).ToContainTextAsync("gestellt");
            await platform.CheckAsync("billing-runs");
        }

        // The CIO signs in again (her session has run out) and finds the invoice: 50 sign-ups above the included 100 at 0.50 EUR.
        await using var later = await StartAsync(language, width);
        await later.SignInAsync("einkauf@muenchen.example");
        await later.NavigateAsync("Rechnungen", "Invoices", "cio-invoices");
        await later.Page.Locator("main table a").First.ClickAsync();
        await later.CheckAsync("cio-invoice");
        await Expect(later.Page.Locator("main")).ToContainTextAsync(later.T("25,00", "25.00"));
    }

    private async Task<string> SubscriptionOfAsync(string offeringId)
    {
        await using var c = await Host.Services.GetRequiredService<Database>().OpenAsync();
        return await c.ExecuteScalarAsync<string>("SELECT id FROM subscriptions WHERE offering_id = @offeringId", new { offeringId }) ?? "";
    }
}
