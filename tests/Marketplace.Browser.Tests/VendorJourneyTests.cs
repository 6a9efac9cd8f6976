using System.Net.Http.Json;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A vendor brings a manually provisioned offering to market: creates it from a descriptor, submits it, sees the
/// auditor's decision, publishes it, sees a municipality's order, fulfils it by hand, reports usage and sees it on the
/// revenue page.
/// </summary>
public class VendorJourneyTests : JourneyTests
{
    [TestCase("de", 1280)]
    [TestCase("en", Journey.PhoneWidth)]
    public async Task A_vendor_publishes_an_offering_fulfils_its_first_order_and_sees_the_usage(string language, int width)
    {
        const string id = "hundesteuer-journey";
        await using var vendor = await StartAsync(language, width);
        var page = vendor.Page;
        await vendor.SignInAsync("admin@komuna-digital.example");
        await vendor.NavigateAsync("Anbieterportal", "Vendor portal", "vendor-portal");

        await page.Locator("#field-Descriptor").FillAsync(Offerings.ManualYaml(id, "Hundesteuer online"));
        await page.GetByRole(AriaRole.Button, new() { Name = vendor.T("Als Entwurf anlegen", "Create as draft") }).ClickAsync();
        await Expect(page.Locator("main .notice")).ToContainTextAsync(vendor.T("als Entwurf angelegt", "created as a draft"));
        await vendor.CheckAsync("vendor-offering");

        await ActAsync(vendor, vendor.T("Einreichen", "Submit"));
        await Expect(page.Locator("main .notice")).ToContainTextAsync(vendor.T("zur Prüfung eingereicht", "submitted for review"));

        // The auditor decides in a browser of their own.
        await using (var auditor = await StartAsync("de", 1280))
        {
            await auditor.SignInAsync("pruefung@plattform.example");
            await auditor.GoAsync($"/pruefung/angebote/{id}/1");
            await auditor.Page.GetByLabel("Freigeben", new() { Exact = true }).CheckAsync();
            await auditor.Page.Locator("#field-Reason").FillAsync("Nachweise vollständig.");
            await auditor.Page.GetByRole(AriaRole.Button, new() { Name = "Entscheidung speichern" }).ClickAsync();
            await Expect(auditor.Page.Locator("main .lead")).ToContainTextAsync("freigegeben");
        }

        await page.ReloadAsync();
        await Expect(page.Locator("main table")).ToContainTextAsync("Nachweise vollständig.");
        await Expect(page.Locator("main table")).ToContainTextAsync(vendor.T("freigegeben", "approved"));
        await vendor.CheckAsync("vendor-decision");
        await ActAsync(vendor, vendor.T("Veröffentlichen", "Publish"));
        await Expect(page.Locator("main .notice")).ToContainTextAsync(vendor.T("veröffentlicht", "published"));

        // Only what conforms can be ordered: the vendor's system files the DSGVO evidence, and the auditor accepts it.
        await FileAcceptedDsgvoEvidenceAsync(id);

        // München's system orders it.
        string subscriptionId;
        using (var muenchen = await SystemClientAsync("muenchen-system", "muenchen-demo-secret-2026"))
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/municipalities/{Muenchen}/orders")
            {
                Content = JsonContent.Create(new { offeringId = id, planId = "basis", addOnIds = Array.Empty<string>(), configuration = new { kontaktEmail = "hundesteuer@muenchen.example" } }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var placed = await muenchen.SendAsync(request);
            var body = await placed.Content.ReadAsStringAsync();
            Assert.That(placed.IsSuccessStatusCode, Is.True, body);
            subscriptionId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("subscriptionIds")[0].GetString()!;
        }

        await vendor.NavigateAsync("Bestellungen meiner Angebote", "Orders of my offerings", "vendor-orders");
        await Expect(page.Locator("main")).ToContainTextAsync(vendor.T("Hundesteuer online", "Dog tax online"));

        await vendor.NavigateAsync("Aufgaben", "Tasks", "vendor-tasks");
        var task = page.Locator("section.task", new() { HasText = id });
        await Expect(task).ToContainTextAsync(vendor.T("neue Bestellung", "new order"));
        await task.Locator("input[name=Notes]").FillAsync(vendor.T("Mandant angelegt, Zugang per E-Mail.", "Tenant created, access sent by e-mail."));
        await task.GetByRole(AriaRole.Button, new() { Name = vendor.T("Erledigt", "Complete") }).ClickAsync();
        await Expect(page.Locator("main .notice")).ToBeVisibleAsync();
        await Expect(page.Locator("section.task", new() { HasText = id })).ToHaveCountAsync(0);
        await vendor.CheckAsync();

        await ReportUsageAsync(subscriptionId, "anmeldungen", 14);
        await vendor.NavigateAsync("Umsatz", "Revenue", "vendor-revenue");
        var usage = page.Locator("main table", new() { HasText = "Hundesteuer online" });
        await Expect(usage).ToContainTextAsync("anmeldungen");
        await Expect(usage).ToContainTextAsync("14");
    }

    /// <summary>Follows a version's action link on the vendor's offering page and confirms it.</summary>
    private static async Task ActAsync(Journey vendor, string action)
    {
        await vendor.Page.Locator("main a.action-link", new() { HasText = action }).First.ClickAsync();
        await vendor.CheckAsync();
        await vendor.Page.GetByRole(AriaRole.Button, new() { Name = vendor.T("Ja, ausführen", "Yes, go ahead") }).ClickAsync();
        await vendor.CheckAsync();
    }

    /// <summary>Uploads evidence for the attested DSGVO criteria through the vendor API and accepts it as the auditor (API, with the auditor's browser session).</summary>
    private async Task FileAcceptedDsgvoEvidenceAsync(string offeringId)
    {
        var evidenceIds = new List<string>();
        using (var komuna = await SystemClientAsync("komuna-system", "komuna-demo-secret-2026"))
        {
            foreach (var criterion in new[] { "avv-muster", "tom", "unterauftragsverarbeiter" })
            {
                var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("%PDF-1.4 Auftragsverarbeitung"));
                file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
                using var form = new MultipartFormDataContent
                {
                    { new StringContent("dsgvo-avv"), "standardId" }, { new StringContent("2016/679"), "standardVersion" },
                    { new StringContent(criterion), "criterionId" }, { new StringContent("Komuna Digital GmbH"), "issuer" },
                    { new StringContent("2026-01-15"), "issuedOn" }, { new StringContent("2027-12-31"), "expiresOn" },
                    { file, "file", criterion + ".pdf" },
                };
                var uploaded = await komuna.PostAsync($"/api/v1/vendors/komuna-digital/offerings/{offeringId}/evidence", form);
                var body = await uploaded.Content.ReadAsStringAsync();
                Assert.That(uploaded.IsSuccessStatusCode, Is.True, body);
                evidenceIds.Add(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
            }
        }
        await using var auditor = await StartAsync("de", 1280);
        await auditor.SignInAsync("pruefung@plattform.example");
        foreach (var evidenceId in evidenceIds)
        {
            var decided = await auditor.Page.APIRequest.PostAsync($"{Host.BaseUrl}/api/v1/reviews/evidence/{evidenceId}/decision",
                new() { DataObject = new { outcome = "pass", reason = "Unterschrieben und aktuell." } });
            Assert.That(decided.Ok, Is.True, await decided.TextAsync());
        }
    }
}
