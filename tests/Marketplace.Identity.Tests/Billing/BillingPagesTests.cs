using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Billing;

/// <summary>The billing pages on the same host and invoice as the API tests: who sees which page, and what it shows.</summary>
public partial class BillingApiTests
{
    private async Task<(HttpStatusCode Status, string Body, string? Location)> PageAsync(string who, string url)
    {
        var client = who == Anonymous ? _host.Browser() : await _host.SignedInAsync(who);
        var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString());
    }

    private async Task AssertRefusedAsync(string who, string url)
    {
        var (status, _, location) = await PageAsync(who, url);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect), $"{who} {url}");
        Assert.That(location, Does.Contain(who == Anonymous ? "/konto/anmelden" : "/konto/kein-zugriff"), $"{who} {url}");
    }

    [Test]
    public async Task The_invoice_pages_show_the_municipality_its_invoice_and_nobody_else()
    {
        var (status, list, _) = await PageAsync(MuenchenViewer, "/abrechnung/rechnungen");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(list, Does.Contain(_invoiceNumber));

        var detail = $"/abrechnung/rechnungen/{_invoiceId}?ags={Muenchen}";
        var (detailStatus, page, _) = await PageAsync(MuenchenViewer, detail);
        Assert.That(detailStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain($"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}/xrechnung"));
        Assert.That(page, Does.Contain("250,00").And.Contain("297,50"), "the 250.00 EUR line and 19 % VAT, formatted for de-DE");

        Assert.That((await PageAsync(KoelnAdmin, detail)).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PageAsync(KoelnAdmin, $"/abrechnung/rechnungen/{_invoiceId}")).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PageAsync(KoelnAdmin, "/abrechnung/rechnungen")).Body, Does.Not.Contain(_invoiceNumber));
        foreach (var who in new[] { Anonymous, KomunaAdmin, Auditor })
            await AssertRefusedAsync(who, "/abrechnung/rechnungen");
    }

    [Test]
    public async Task A_voided_invoice_shows_its_credit_note_in_the_list_and_the_municipality_downloads_it()
    {
        // October, billed and voided here alone: the September invoice the other tests read stays as it is.
        const string october = "2026-10";
        var reported = await ReportAsync(Event("oct-" + Unique(), BibliothekSubscription, "neuanmeldungen", 300, DateTimeOffset.Parse("2026-10-15T10:00:00Z")));
        Assert.That(Statuses(reported), Is.EqualTo(new[] { "accepted" }));
        var platform = await _host.SignedInAsync(PlatformAdmin);
        Assert.That((await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = october })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var finalize = await platform.PostAsync($"/api/v1/billing/periods/{october}/finalization", null);
        Assert.That(finalize.StatusCode, Is.EqualTo(HttpStatusCode.OK), await finalize.Content.ReadAsStringAsync());
        var invoice = (await finalize.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("finalized").EnumerateArray()
            .Single(i => i.GetProperty("municipalityAgs").GetString() == Muenchen);
        var (invoiceId, invoiceNumber) = (invoice.GetProperty("id").GetString()!, invoice.GetProperty("number").GetString()!);

        Assert.That((await (await _host.SignedInAsync(MuenchenAdmin)).PostAsync($"/api/v1/billing/invoices/{invoiceId}/cancellation", null)).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "only the platform voids");
        var voided = await platform.PostAsync($"/api/v1/billing/invoices/{invoiceId}/cancellation", null);
        Assert.That(voided.StatusCode, Is.EqualTo(HttpStatusCode.OK), await voided.Content.ReadAsStringAsync());

        var (_, list, _) = await PageAsync(MuenchenViewer, "/abrechnung/rechnungen");
        var note = System.Text.RegularExpressions.Regex.Match(list, $"/api/v1/municipalities/{Muenchen}/credit-notes/([^/\"]+)/xrechnung\" download=\"(MP-GS-[0-9-]+)\\.xml\"");
        Assert.That(note.Success, Is.True, "the credit note is listed with its download");
        Assert.That(list, Does.Contain("Gutschriften").And.Contain(invoiceNumber).And.Contain("Storno"));
        var (_, detail, _) = await PageAsync(MuenchenViewer, $"/abrechnung/rechnungen/{invoiceId}?ags={Muenchen}");
        Assert.That(detail, Does.Contain("Diese Rechnung ist storniert").And.Contain(note.Groups[2].Value), "the voided invoice names its credit note");

        var download = await (await _host.SignedInAsync(MuenchenViewer)).GetAsync($"/api/v1/municipalities/{Muenchen}/credit-notes/{note.Groups[1].Value}/xrechnung");
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var xml = System.Xml.Linq.XDocument.Parse(await download.Content.ReadAsStringAsync());
        System.Xml.Linq.XNamespace cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
        Assert.That((xml.Root!.Name.LocalName, xml.Root.Element(cbc + "CreditNoteTypeCode")?.Value, xml.Root.Element(cbc + "ID")?.Value),
            Is.EqualTo(("CreditNote", "381", note.Groups[2].Value)));
        Assert.That(xml.Descendants(cbc + "ID").Select(e => e.Value), Does.Contain(invoiceNumber), "it references the invoice it cancels (BT-25)");

        var koeln = await _host.SignedInAsync(KoelnAdmin);
        Assert.That((await koeln.GetAsync($"/api/v1/municipalities/{Muenchen}/credit-notes/{note.Groups[1].Value}/xrechnung")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PageAsync(KoelnAdmin, "/abrechnung/rechnungen")).Body, Does.Not.Contain(note.Groups[2].Value));
    }

    [Test]
    public async Task Usage_reported_too_low_replaces_the_invoice_and_the_municipality_sees_credit_note_and_new_invoice()
    {
        // August, billed and replaced here alone: the September invoice the other tests read stays as it is.
        const string august = "2026-08";
        var reported = await ReportAsync(Event("aug-" + Unique(), BibliothekSubscription, "neuanmeldungen", 300, DateTimeOffset.Parse("2026-08-15T10:00:00Z")));
        Assert.That(Statuses(reported), Is.EqualTo(new[] { "accepted" }));
        var platform = await _host.SignedInAsync(PlatformAdmin);
        Assert.That((await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = august })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var finalize = await platform.PostAsync($"/api/v1/billing/periods/{august}/finalization", null);
        var invoice = (await finalize.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("finalized").EnumerateArray()
            .Single(i => i.GetProperty("municipalityAgs").GetString() == Muenchen);
        var (invoiceId, invoiceNumber) = (invoice.GetProperty("id").GetString()!, invoice.GetProperty("number").GetString()!);
        var lines = (await platform.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/invoices/{invoiceId}")).GetProperty("lines").EnumerateArray().ToList();
        var usage = lines.First(l => l.GetProperty("kind").GetString() == "metered");
        var (lineNo, quantity) = (usage.GetProperty("lineNo").GetInt64(), usage.GetProperty("quantity").GetInt64());

        var url = $"/api/v1/billing/invoices/{invoiceId}/replacement";
        Assert.That((await (await _host.SignedInAsync(MuenchenAdmin)).PostAsJsonAsync(url, new { reason = "mehr", lines = new[] { new { lineNo, quantity = quantity + 1 } } })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "only the platform corrects invoices");
        var lower = await platform.PostAsJsonAsync(url, new { reason = "weniger", lines = new[] { new { lineNo, quantity = quantity - 1 } } });
        Assert.That(lower.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a pure reduction is a credit note for the difference, no replacement");
        Assert.That((await lower.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("lines", out _), Is.True);
        var replaced = await platform.PostAsJsonAsync(url, new { reason = "Anbieter hat 40 Neuanmeldungen zu wenig gemeldet", lines = new[] { new { lineNo, quantity = quantity + 40 } } });
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.Created), await replaced.Content.ReadAsStringAsync());
        var body = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        var newInvoice = body.GetProperty("invoice").GetProperty("invoice");
        var (newId, newNumber) = (newInvoice.GetProperty("id").GetString()!, newInvoice.GetProperty("number").GetString()!);
        var noteNumber = body.GetProperty("creditNote").GetProperty("creditNote").GetProperty("number").GetString()!;
        Assert.That(replaced.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/municipalities/{Muenchen}/invoices/{newId}"));

        var (_, list, _) = await PageAsync(MuenchenViewer, "/abrechnung/rechnungen");
        Assert.That(list, Does.Contain(newNumber).And.Contain($"ersetzt {invoiceNumber}").And.Contain($"ersetzt durch {newNumber}"));
        Assert.That(list, Does.Contain(noteNumber).And.Contain("Storno wegen Neuausstellung"), "the credit note is listed");
        var (_, old, _) = await PageAsync(MuenchenViewer, $"/abrechnung/rechnungen/{invoiceId}?ags={Muenchen}");
        Assert.That(old, Does.Contain("Bitte zahlen Sie nur die neue Rechnung").And.Contain($"/abrechnung/rechnungen/{newId}").And.Contain(noteNumber));
        var (_, fresh, _) = await PageAsync(MuenchenViewer, $"/abrechnung/rechnungen/{newId}?ags={Muenchen}");
        Assert.That(fresh, Does.Contain("ersetzt die stornierte Rechnung").And.Contain($"/abrechnung/rechnungen/{invoiceId}"));
        Assert.That(fresh, Does.Contain($"/api/v1/municipalities/{Muenchen}/invoices/{newId}/xrechnung"));
        var (_, english, _) = await PageAsync(MuenchenViewer, "/abrechnung/rechnungen?culture=en-GB");
        Assert.That(english, Does.Contain($"replaced by {newNumber}").And.Contain("Cancelled and reissued"));

        var xml = System.Xml.Linq.XDocument.Parse(await (await _host.SignedInAsync(MuenchenViewer)).GetStringAsync($"/api/v1/municipalities/{Muenchen}/invoices/{newId}/xrechnung"));
        System.Xml.Linq.XNamespace cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
        System.Xml.Linq.XNamespace cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
        Assert.That(xml.Root!.Element(cac + "BillingReference")?.Descendants(cbc + "ID").Single().Value, Is.EqualTo(invoiceNumber), "BT-25 names the replaced invoice");
        Assert.That((await PageAsync(KoelnAdmin, "/abrechnung/rechnungen")).Body, Does.Not.Contain(newNumber));
        Assert.That((await PageAsync(KoelnAdmin, $"/abrechnung/rechnungen/{newId}?ags={Muenchen}")).Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Invoice_lines_name_offering_plan_and_item_in_the_pages_language_instead_of_the_subscription()
    {
        var detail = $"/abrechnung/rechnungen/{_invoiceId}?ags={Muenchen}";
        var (_, german, _) = await PageAsync(MuenchenViewer, detail);
        Assert.That(german, Does.Contain("Stadtbibliothek online").And.Contain("Tarif Standardpaket").And.Contain("Neuanmeldungen"));
        var (_, english, _) = await PageAsync(MuenchenViewer, detail + "&culture=en-GB");
        Assert.That(english, Does.Contain("Public library online").And.Contain("Plan Standard package").And.Contain("New registrations"));
        Assert.That(english, Does.Not.Contain("Stadtbibliothek online"));
        foreach (var page in new[] { german, english })
            Assert.That(page, Does.Not.Contain(BibliothekSubscription), "the line names what was bought, not the subscription's id");
    }

    [Test]
    public async Task English_billing_pages_show_euros_in_English_number_format_and_never_pounds()
    {
        foreach (var url in new[] { $"/abrechnung/rechnungen/{_invoiceId}?ags={Muenchen}&culture=en-GB", "/abrechnung/rechnungen?culture=en-GB" })
        {
            var (status, page, _) = await PageAsync(MuenchenAdmin, url);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(page, Does.Contain("€297.50"), url);
            Assert.That(page, Does.Not.Contain("£").And.Not.Contain("&#xA3;").And.Not.Contain("297,50"), url);
        }
        var (_, german, _) = await PageAsync(MuenchenAdmin, $"/abrechnung/rechnungen/{_invoiceId}?ags={Muenchen}");
        Assert.That(german, Does.Contain("297,50&#xA0;€"), "German format, the sign after a no-break space");
    }

    [Test]
    public async Task The_usage_page_draws_the_meters_with_their_numbers_in_a_table()
    {
        var (status, page, _) = await PageAsync(MuenchenAdmin, $"/abrechnung/verbrauch?period={BilledPeriod}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("<svg").And.Contain("role=\"img\"").And.Contain("<table"));
        Assert.That(page, Does.Contain("Neuanmeldungen").And.Contain("600"));
        var (badStatus, bad, _) = await PageAsync(MuenchenAdmin, "/abrechnung/verbrauch?period=September");
        Assert.That(badStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(bad, Does.Contain("error-summary").And.Contain("#field-Period"));
        foreach (var who in new[] { Anonymous, HavelsoftAdmin, PlatformAdmin })
            await AssertRefusedAsync(who, "/abrechnung/verbrauch");
    }

    [Test]
    public async Task The_vendor_sees_its_revenue_page_and_municipalities_do_not()
    {
        var (status, page, _) = await PageAsync(KomunaAdmin, "/abrechnung/umsatz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("250,00"));
        Assert.That((await PageAsync(HavelsoftAdmin, "/abrechnung/umsatz")).Body, Does.Not.Contain("250,00"));
        foreach (var who in new[] { Anonymous, MuenchenAdmin, Auditor })
            await AssertRefusedAsync(who, "/abrechnung/umsatz");
    }

    [Test]
    public async Task The_platform_sees_runs_and_funding_and_only_its_admin_may_start_a_run()
    {
        var (auditorStatus, asAuditor, _) = await PageAsync(Auditor, "/abrechnung/laeufe");
        Assert.That(auditorStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(asAuditor, Does.Contain("September 2026").And.Not.Contain("handler=Start"));
        Assert.That((await PageAsync(PlatformAdmin, "/abrechnung/laeufe")).Body, Does.Contain("handler=Start"));

        var admin = await _host.SignedInAsync(PlatformAdmin);
        var refused = await IdentityHost.PostFormAsync(admin, "/abrechnung/laeufe", new() { ["Period"] = "2099-01" }, "Start");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("error-summary").And.Contain("#field-Period"));
        var auditor = await _host.SignedInAsync(Auditor);
        var forbidden = await IdentityHost.PostFormAsync(auditor, "/abrechnung/laeufe", new() { ["Period"] = "2020-03" }, "Start");
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(forbidden.Headers.Location!.ToString(), Does.Contain("/konto/kein-zugriff"));

        var (fundingStatus, funding, _) = await PageAsync(Auditor, $"/abrechnung/foerderbericht?from={BilledPeriod}&to={BilledPeriod}");
        Assert.That(fundingStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(funding, Does.Contain("/api/v1/billing/funding.csv?from=2026-09&amp;to=2026-09").And.Contain("Bayern"));
        foreach (var who in new[] { Anonymous, MuenchenAdmin, KomunaAdmin, BundlerAdmin })
        {
            await AssertRefusedAsync(who, "/abrechnung/laeufe");
            await AssertRefusedAsync(who, "/abrechnung/foerderbericht");
        }
    }

    [Test]
    public async Task The_navigation_offers_each_role_its_billing_pages_only()
    {
        var municipality = (await PageAsync(MuenchenViewer, "/")).Body;
        Assert.That(municipality, Does.Contain("href=\"/abrechnung/rechnungen\"").And.Contain("href=\"/abrechnung/verbrauch\"").And.Not.Contain("href=\"/abrechnung/laeufe\""));
        var vendor = (await PageAsync(KomunaEditor, "/")).Body;
        Assert.That(vendor, Does.Contain("href=\"/abrechnung/umsatz\"").And.Not.Contain("href=\"/abrechnung/rechnungen\""));
        var platform = (await PageAsync(Auditor, "/")).Body;
        Assert.That(platform, Does.Contain("href=\"/abrechnung/laeufe\"").And.Contain("href=\"/abrechnung/foerderbericht\"").And.Not.Contain("href=\"/abrechnung/umsatz\""));
    }

    [Test]
    public async Task A_bundler_sees_the_invoices_only_while_invoice_viewing_is_delegated()
    {
        var muenchen = await _host.SignedInAsync(MuenchenAdmin);
        async Task DelegateAsync(bool viewInvoices) => Assert.That((await muenchen.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/delegations",
            new { bundlerOrganisationId = DemoSeeder.Bundler, order = true, configure = true, viewInvoices })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var invoice = $"/abrechnung/rechnungen/{_invoiceId}?ags={Muenchen}";
        try
        {
            await DelegateAsync(viewInvoices: true);
            Assert.That((await PageAsync(BundlerAdmin, invoice)).Body, Does.Contain(_invoiceNumber));
            Assert.That((await PageAsync(BundlerAdmin, "/")).Body, Does.Contain("href=\"/abrechnung/rechnungen\""));
            var api = await (await _host.SignedInAsync(BundlerAdmin)).GetAsync($"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}");
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            // A delegate reads, it does not choose how München pays.
            Assert.That((await PageAsync(BundlerAdmin, $"/abrechnung/rechnungen?ags={Muenchen}")).Body, Does.Not.Contain("handler=Channel"));
        }
        finally
        {
            // Back to the demo data's delegation: ordering and configuring, no invoices.
            await DelegateAsync(viewInvoices: false);
        }
        Assert.That((await PageAsync(BundlerAdmin, invoice)).Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PageAsync(BundlerAdmin, "/")).Body, Does.Not.Contain("href=\"/abrechnung/rechnungen\""));
    }

    [Test]
    public async Task A_buyer_admin_keeps_the_billing_account_on_its_page_and_a_viewer_only_sees_it()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        const string page = "/abrechnung/konto";
        var invalid = await IdentityHost.PostFormAsync(admin, page, new() { ["PaymentChannel"] = "xrechnung", ["Email"] = "" }, "Channel");
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("error-summary").And.Contain("#field-Email").And.Contain("Geben Sie eine E-Mail-Adresse für Rechnungen an."));
        var saved = await IdentityHost.PostFormAsync(admin, page, new() { ["PaymentChannel"] = "xrechnung", ["Email"] = "rechnung@muenchen.example" }, "Channel");
        Assert.That(await saved.Content.ReadAsStringAsync(), Does.Contain("Der Zahlungsweg ist gespeichert").And.Contain("09162000-0001-54"));

        // The address and the Leitweg-ID are edited here too; a wrong check digit is refused in the page's language and changes nothing.
        var address = new Dictionary<string, string>
        {
            ["Recipient"] = "Landeshauptstadt München, IT-Referat", ["Street"] = "Agnes-Pockels-Bogen 21", ["PostalCode"] = "80992", ["City"] = "München",
            ["LeitwegId"] = "09162000-0001-55",
        };
        var wrong = await (await IdentityHost.PostFormAsync(admin, page, address, "Address")).Content.ReadAsStringAsync();
        Assert.That(wrong, Does.Contain("#field-LeitwegId").And.Contain("die Prüfziffer muss stimmen"));
        var wrongEn = await (await IdentityHost.PostFormAsync(admin, page + "?culture=en-GB", address, "Address")).Content.ReadAsStringAsync();
        Assert.That(wrongEn, Does.Contain("the check digits must match"));
        address["LeitwegId"] = "09162000-0001-54";
        Assert.That(await (await IdentityHost.PostFormAsync(admin, page, address, "Address")).Content.ReadAsStringAsync(),
            Does.Contain("Rechnungsanschrift und Leitweg-ID sind gespeichert"));

        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var seen = await viewer.GetStringAsync(page);
        Assert.That(seen, Does.Not.Contain("handler=Channel").And.Not.Contain("handler=Address").And.Contain("09162000-0001-54").And.Contain("rechnung@muenchen.example"));
        var refused = await IdentityHost.PostFormAsync(viewer, page, new() { ["PaymentChannel"] = "stripe", ["Email"] = "x@muenchen.example" }, "Channel");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await (await _host.SignedInAsync(Auditor)).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/municipalities/{Muenchen}/billing-account"))
            .GetProperty("account").GetProperty("paymentChannel").GetString(), Is.EqualTo("xrechnung"));
        Assert.That((await PageAsync(KoelnAdmin, $"{page}?ags={Muenchen}")).Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_invoices_page_shows_the_account_checklist_as_the_organisation_page_shows_the_data_and_links_to_the_one_place_to_edit_it()
    {
        var (_, german, _) = await PageAsync(MuenchenAdmin, "/abrechnung/rechnungen");
        Assert.That(german, Does.Contain("Leitweg-ID mit gültiger Prüfziffer</strong>: vorhanden").And.Contain("Zahlungsweg</strong>: vorhanden"));
        Assert.That(german, Does.Not.Contain("noch nicht angegeben"), "the Leitweg-ID the organisation has is not reported missing");
        Assert.That(german, Does.Contain("/abrechnung/konto?ags=" + Muenchen).And.Contain("Rechnungskonto bearbeiten"));
        Assert.That(german, Does.Not.Contain("handler=Channel"), "the account is edited on its own page only");
        var (_, english, _) = await PageAsync(MuenchenAdmin, "/abrechnung/rechnungen?culture=en-GB");
        Assert.That(english, Does.Contain("Leitweg-ID with valid check digits</strong>: done").And.Contain("The billing account is complete"));
        var (_, organisation, _) = await PageAsync(MuenchenAdmin, "/organisation");
        Assert.That(organisation, Does.Contain("09162000-0001-54").And.Contain("/abrechnung/konto?ags=" + Muenchen));
    }

    [Test]
    public async Task Issuing_a_month_names_in_the_pages_language_what_a_municipalitys_billing_account_lacks()
    {
        // Köln has a Leitweg-ID and an address with its organisation, but never chose a payment channel or an invoice e-mail.
        const string koeln = "05315000", november = "2026-11";
        // Not the library service: the host is shared, and the bundle page test orders that one for Köln.
        await SubscribeAsync(_host, "billing-web-meldeportal-koeln", koeln, "meldeportal-komuna", "komuna-digital", "standard");
        Assert.That(Statuses(await ReportAsync(Event("nov-" + Unique(), "billing-web-meldeportal-koeln", "antraege", 900, DateTimeOffset.Parse("2026-11-12T10:00:00Z")))),
            Is.EqualTo(new[] { "accepted" }));
        var platform = await _host.SignedInAsync(PlatformAdmin);
        var started = await IdentityHost.PostFormAsync(platform, "/abrechnung/laeufe", new() { ["Period"] = november }, "Start");
        Assert.That(await started.Content.ReadAsStringAsync(), Does.Match("November 2026 abgerechnet: 1 neuer Rechnungsentwurf\\.|November 2026 abgerechnet: \\d+ neue Rechnungsentwürfe\\."));

        var (_, checklist, _) = await PageAsync(KoelnAdmin, "/abrechnung/rechnungen");
        Assert.That(checklist, Does.Contain("Zahlungsweg</strong>: fehlt").And.Contain("Solange ein Punkt der Checkliste fehlt"));

        var german = await (await IdentityHost.PostFormAsync(platform, "/abrechnung/laeufe", new() { ["period"] = november }, "Finalize")).Content.ReadAsStringAsync();
        Assert.That(german, Does.Match("Rechnung MP-202611-\\d+ an Köln, Stadt bleibt ein Entwurf\\. Im Rechnungskonto fehlt: Zahlungsweg, E-Mail-Adresse für Rechnungen\\."));
        Assert.That(german, Does.Not.Contain("incomplete"), "no English engine text on the German page");
        var english = await (await IdentityHost.PostFormAsync(platform, "/abrechnung/laeufe?culture=en-GB", new() { ["period"] = november }, "Finalize")).Content.ReadAsStringAsync();
        Assert.That(english, Does.Match("Invoice MP-202611-\\d+ to Köln, Stadt stays a draft\\. The billing account lacks: payment channel, invoice e-mail address\\."));
        Assert.That(english, Does.Match("November 2026: 0 invoices issued\\."));

        // The API words the same refusal in the request's language: issuing the draft alone is a 409, the month's problems name it.
        var draft = (await platform.GetFromJsonAsync<JsonElement>($"/api/v1/billing/periods/{november}/invoices")).EnumerateArray()
            .First(i => i.GetProperty("municipalityAgs").GetString() == koeln).GetProperty("id").GetString()!;
        foreach (var (language, title, lacks) in new[]
                 {
                     ("de-DE", "Im jetzigen Zustand nicht möglich", "Das Rechnungskonto der Kommune 05315000 ist unvollständig (es fehlt: Zahlungsweg, E-Mail-Adresse für Rechnungen); Rechnung MP-202611-"),
                     ("en-GB", "Not possible in the current state", "The billing account of municipality 05315000 is incomplete (missing: payment channel, invoice e-mail address); invoice MP-202611-"),
                 })
        {
            var (status, problem) = await AskAsync(platform, HttpMethod.Post, $"/api/v1/billing/invoices/{draft}/finalization", null, language);
            Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict), problem.ToJsonString());
            Assert.That((string?)problem["title"], Is.EqualTo(title));
            Assert.That((string?)problem["detail"], Does.StartWith(lacks));
            var (_, month) = await AskAsync(platform, HttpMethod.Post, $"/api/v1/billing/periods/{november}/finalization", null, language);
            Assert.That(month["problems"]!.AsArray().Select(p => (string?)p), Has.Some.StartsWith(lacks), month.ToJsonString());
        }
    }
}
