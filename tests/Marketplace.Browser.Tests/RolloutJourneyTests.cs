using Marketplace.Kernel;
using Marketplace.Identity;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.SampleBroker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A bundling organisation rolls an offering out to every Bavarian municipality that delegated ordering to it, watches
/// the progress live while the broker refuses one municipality, and retries the failure once the broker works again.
/// </summary>
public class RolloutJourneyTests : JourneyTests
{
    private const string Dachau = "09174115", Garmisch = "09180117";

    [TestCase("en", 1280)]
    [TestCase("de", Journey.PhoneWidth)]
    public async Task A_bundler_rolls_out_to_a_Land_watches_the_progress_and_retries_the_failures(string language, int width)
    {
        // München delegates in the demo data; Dachau and Garmisch-Partenkirchen join it here.
        var organisations = Host.Services.GetRequiredService<OrganisationStore>();
        var delegations = Host.Services.GetRequiredService<DelegationStore>();
        foreach (var ags in new[] { Dachau, Garmisch })
        {
            var municipality = await organisations.CreateAsync(new NewOrganisation(OrganisationKinds.Municipality, MunicipalityAgs: ags, Id: "municipality-" + ags), Actor.System);
            await delegations.GrantAsync(municipality, DemoSeeder.Bundler, new DelegationGrant(Order: true, Configure: true, ViewInvoices: false), Actor.System);
        }
        // The broker answers 500 to every provisioning request for Garmisch until the fault is cleared.
        Host.Broker.State.AddFault(new FaultRule { Operation = "provision", Kind = "500", Times = -1, Ags = Garmisch, CreateFirst = false });

        await using var bundler = await StartAsync(language, width);
        var page = bundler.Page;
        await bundler.SignInAsync("admin@it-dienstleister.example");
        await bundler.NavigateAsync("Rollouts", "Rollouts", "rollouts");
        await page.GetByRole(AriaRole.Link, new() { Name = bundler.T("Rollout starten", "Start a rollout") }).ClickAsync();
        await bundler.CheckAsync();
        await page.Locator("#field-OfferingId").SelectOptionAsync("stadtmelder-deichgraf");
        await page.GetByRole(AriaRole.Button, new() { Name = bundler.T("Weiter", "Continue") }).ClickAsync();
        await page.Locator("#field-LandCode").SelectOptionAsync("09");
        await page.Locator("input[name$='behoerde']").First.FillAsync("Bürgerservice");
        await page.Locator("input[name$='kontaktEmail']").First.FillAsync("buergerservice@kommunale-it.example");
        await bundler.CheckAsync("rollout-new");
        await page.GetByRole(AriaRole.Button, new() { Name = bundler.T("Rollout starten", "Start rollout") }).ClickAsync();

        // The progress page counts up by itself (js/rollout.js) and reloads once the rollout has finished.
        var status = page.Locator("[data-field=status]");
        await Expect(status).ToHaveTextAsync(bundler.T("fertig", "finished"), new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-count=active]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-count=failed]")).ToHaveTextAsync("1");
        var failures = page.Locator("main table", new() { HasText = Garmisch });
        await Expect(failures).ToBeVisibleAsync();
        await bundler.CheckAsync("rollout-failures");

        Host.Broker.State.ClearFaults();
        await page.GetByRole(AriaRole.Button, new() { Name = bundler.T("Fehlgeschlagene erneut versuchen", "Retry failed") }).ClickAsync();
        await Expect(page.Locator("main .notice[role=status]")).ToContainTextAsync("1");
        await Expect(status).ToHaveTextAsync(bundler.T("fertig", "finished"), new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-count=active]")).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-count=failed]")).ToHaveTextAsync("0");
        await bundler.CheckAsync("rollout-done");
    }
}
