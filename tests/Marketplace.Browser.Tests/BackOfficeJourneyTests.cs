using Marketplace.Kernel;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A CIO sets her municipality's data policy and its registration system, searches "Ummeldung", sees which offerings fit
/// her policy and her back office, orders the one that needs an adapter (the adapter is in the cost summary before she
/// orders) and later receives the vendor's notice of a sub-processor change with its objection period. Every page
/// reached passes <see cref="PageChecks"/>.
/// </summary>
public class BackOfficeJourneyTests : JourneyTests
{
    private const string Offering = "wohnsitz-efa-ldvt";
    private const string Vendor = "ldvt-thueringen";

    [TestCase("de", 1280)]
    [TestCase("de", Journey.PhoneWidth)]
    public async Task A_CIO_sets_policy_and_registration_system_orders_an_offering_needing_an_adapter_and_hears_of_a_sub_processor_change(string language, int width)
    {
        await using var cio = await StartAsync(language, width);
        var page = cio.Page;
        await cio.SignInAsync("einkauf@muenchen.example");

        // The data policy: citizens' data stays in Germany and nobody outside the EU may reach it.
        await cio.GoAsync("/organisation/datenrichtlinie");
        await page.Locator("#rule-onlyGermany").CheckAsync();
        await page.Locator("#rule-noThirdCountryAccess").CheckAsync();
        await page.Locator("#data-policy button[type=submit]").ClickAsync();
        await Expect(page.Locator("main #saved")).ToBeVisibleAsync();
        await cio.CheckAsync("journey17-policy");

        // The registration system: OK.EWO 2023.2 receives XMeld but not FIT-Connect.
        await cio.GoAsync("/organisation/fachverfahren");
        await page.Locator("#field-Selection-meldewesen").SelectOptionAsync("ok-ewo|2023.2");
        await page.Locator("#fachverfahren-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("main #saved")).ToBeVisibleAsync();
        await Expect(page.Locator("#fachverfahren-form")).ToContainTextAsync("XMeld");
        await cio.CheckAsync("journey17-fachverfahren");

        // The search shows per offering whether it fits the back office or needs an adapter, and whether it fits the policy.
        await cio.GoAsync("/angebote?q=Ummeldung", "journey17-search");
        var main = page.Locator("main");
        await Expect(main).ToContainTextAsync(cio.T("passt zu Ihrem Fachverfahren", "fits your back-office system"));
        await Expect(main).ToContainTextAsync(cio.T("braucht Adapter", "needs an adapter"));
        var card = page.Locator("main li").Filter(new() { Has = page.Locator($"a[href='/angebote/{Offering}']") }).Last;
        await Expect(card).ToContainTextAsync(cio.T("braucht Adapter", "needs an adapter"));
        await cio.GoAsync("/angebote?q=Ummeldung&fachverfahren=fits");
        await Expect(page.Locator($"main a[href='/angebote/{Offering}']")).ToHaveCountAsync(0);
        await cio.CheckAsync();

        // The order form preselects the adapter and its price is in the cost summary before she orders.
        await cio.GoAsync($"/angebote/{Offering}/bestellen");
        await Expect(page.Locator("input[name=AddOnIds][value=fachverfahrensadapter]")).ToBeCheckedAsync();
        await Expect(page.Locator(".cost-summary tbody")).ToContainTextAsync(cio.T("Adapter für das Einwohnermeldeverfahren", "Adapter for the registration back-office"));
        await Expect(page.Locator(".cost-summary tbody")).ToContainTextAsync(cio.T("2.400,00", "2,400.00"));
        await cio.CheckAsync("journey17-order-form");
        await page.Locator("input[name$='behoerde']").First.FillAsync("Kreisverwaltungsreferat München");
        await page.Locator("input[name$='.ags']").First.FillAsync(Muenchen);
        await page.Locator("input[name$='kontaktEmail']").First.FillAsync("meldewesen@muenchen.example");
        await page.Locator("input[name$='zustellpunktId']").FillAsync("5d4a3c2b-1f0e-4d9c-8b7a-6f5e4d3c2b1a");
        await page.Locator("input[name$='beitrittErklaert'][type=checkbox]").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = cio.T("Verbindlich bestellen", "Place order") }).ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync(cio.T("Vielen Dank", "Thank you"));
        await Expect(page.Locator("main")).ToContainTextAsync(cio.T("Adapter für das Einwohnermeldeverfahren", "Adapter for the registration back-office"));
        await cio.CheckAsync("journey17-ordered");

        // Later the vendor replaces a sub-processor; the reviewed version is published and München hears of it before it applies.
        await PublishSubProcessorChangeAsync();
        await cio.GoAsync("/benachrichtigungen");
        // The host's notifier turns the publication's audit entry into the notice within moments.
        await cio.ReloadUntilContainsAsync(page.Locator("main .notification-list"), "Mailjet SAS");
        var notice = page.Locator("main .notification-list li").Filter(new() { HasText = "Mailjet SAS" });
        await Expect(notice).ToContainTextAsync(cio.T("42 Tagen", "42 days"));
        await cio.CheckAsync("journey17-notification");
    }

    /// <summary>The vendor's new descriptor version names another e-mail sub-processor; an auditor passes it and the vendor publishes it.</summary>
    private async Task PublishSubProcessorChangeAsync()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Marketplace.Testing.RepoPaths.Catalog, "offerings", Offering + ".yaml"));
        var changed = yaml.Replace("    - name: \"Governikus GmbH & Co. KG\"", "    - name: \"Mailjet SAS\"\n      purpose: \"Versand von Eingangsbestätigungen\"\n      country: FR\n    - name: \"Governikus GmbH & Co. KG\"");
        Assert.That(changed, Is.Not.EqualTo(yaml));
        // The descriptor names the demo broker's address; in this host the embedded broker listens elsewhere, and the review checks it.
        changed = changed.Replace("http://127.0.0.1:5081", Host.Broker.BaseAddress.ToString().TrimEnd('/'));
        using var scope = Host.Services.CreateScope();
        var lifecycle = scope.ServiceProvider.GetRequiredService<OfferingLifecycle>();
        var vendor = new Marketplace.Kernel.Actor("user-ldvt-journey", Vendor);
        var draft = await lifecycle.EditAsync(vendor, Vendor, Offering, changed);
        await lifecycle.SubmitAsync(vendor, Vendor, Offering, draft.Version);
        await scope.ServiceProvider.GetRequiredService<AuditorReview>()
            .DecideVersionAsync(new Marketplace.Kernel.Actor("user-auditor-journey", "platform-betrieb"), Offering, draft.Version, true, "Unterauftragsverarbeiter geprüft");
        await lifecycle.PublishAsync(vendor, Vendor, Offering, draft.Version);
    }
}
