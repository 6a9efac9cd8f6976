using Marketplace.Kernel;
using Marketplace.Conformance;
using Marketplace.Conformance.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>An auditor works the review queue: reads what changed, decides with a reason, then checks the audit trail is intact.</summary>
public class AuditorJourneyTests : JourneyTests
{
    [TestCase("de", 1280)]
    [TestCase("en", Journey.PhoneWidth)]
    public async Task An_auditor_reads_the_diff_decides_and_verifies_the_audit_trail(string language, int width)
    {
        const string id = "hundesteuer-pruefung";
        var lifecycle = Host.Services.GetRequiredService<OfferingLifecycle>();
        var vendor = new Actor("journey-vendor", null);
        // Version 1 is on the market; version 2, renamed, waits for review.
        await lifecycle.CreateAsync(vendor, Offerings.Komuna, Offerings.ManualYaml(id, "Hundesteuer online"));
        await lifecycle.SubmitAsync(vendor, Offerings.Komuna, id, 1);
        await Host.Services.GetRequiredService<Marketplace.Conformance.Review.AuditorReview>().DecideVersionAsync(new Actor("journey-auditor", null), id, 1, true, "Gut.");
        await lifecycle.PublishAsync(vendor, Offerings.Komuna, id, 1);
        await lifecycle.EditAsync(vendor, Offerings.Komuna, id, Offerings.ManualYaml(id, "Hundesteuer und Hundemarke online"));
        await lifecycle.SubmitAsync(vendor, Offerings.Komuna, id, 2);

        await using var auditor = await StartAsync(language, width);
        await auditor.SignInAsync("pruefung@plattform.example");
        await auditor.NavigateAsync("Prüfung", "Review", "review-queue");
        var page = auditor.Page;
        await page.Locator($"main a[href='/pruefung/angebote/{id}/2']").ClickAsync();
        await auditor.CheckAsync("review-diff");
        var changed = page.Locator("table.diff tr", new() { HasText = "/name" }).First;
        await Expect(changed).ToContainTextAsync("Hundesteuer online");
        await Expect(changed).ToContainTextAsync("Hundesteuer und Hundemarke online");

        // Deciding without a reason: the error summary links to the reason field.
        await page.GetByLabel(auditor.T("Freigeben", "Approve"), new() { Exact = true }).CheckAsync();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = auditor.T("Entscheidung speichern", "Save decision") }).ClickAsync();
        var summaryLink = page.Locator(".error-summary a[href='#field-Reason']");
        await Expect(summaryLink).ToBeVisibleAsync();
        await auditor.CheckAsync("review-error");
        await summaryLink.ClickAsync();
        Assert.That(await page.EvaluateAsync<string>("() => document.activeElement.id"), Is.EqualTo("field-Reason"), "the summary link moves focus to the field");

        await page.Locator("#field-Reason").FillAsync("Alle Angaben belegt.");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = auditor.T("Entscheidung speichern", "Save decision") }).ClickAsync();
        await Expect(page.Locator("main .lead")).ToContainTextAsync(auditor.T("freigegeben", "approved"));
        await auditor.CheckAsync();

        await auditor.NavigateAsync("Protokoll", "Audit trail", "audit-trail");
        await Expect(page.Locator("main table")).ToContainTextAsync(id);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = auditor.T("Kette prüfen", "Verify the chain") }).ClickAsync();
        await Expect(page.Locator("#verification")).ToContainTextAsync(auditor.T("Unverändert.", "Intact."));
        await auditor.CheckAsync("audit-verified");
    }
}
