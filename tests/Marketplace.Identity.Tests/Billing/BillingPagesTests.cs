using System.Net;
using System.Net.Http.Json;
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
    public async Task A_buyer_admin_chooses_the_payment_channel_and_a_viewer_cannot()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var invalid = await IdentityHost.PostFormAsync(admin, "/abrechnung/rechnungen", new() { ["PaymentChannel"] = "xrechnung", ["Email"] = "keine-adresse" }, "Channel");
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("error-summary").And.Contain("#field-Email"));
        var saved = await IdentityHost.PostFormAsync(admin, "/abrechnung/rechnungen", new() { ["PaymentChannel"] = "xrechnung", ["Email"] = "rechnung@muenchen.example" }, "Channel");
        Assert.That(await saved.Content.ReadAsStringAsync(), Does.Contain("Der Zahlungsweg ist gespeichert").And.Contain("09162000-0001-54"));
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        Assert.That(await viewer.GetStringAsync("/abrechnung/rechnungen"), Does.Not.Contain("handler=Channel"));
        var refused = await IdentityHost.PostFormAsync(viewer, "/abrechnung/rechnungen", new() { ["PaymentChannel"] = "stripe", ["Email"] = "x@muenchen.example" }, "Channel");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await (await _host.SignedInAsync(Auditor)).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/municipalities/{Muenchen}/billing-account"))
            .GetProperty("account").GetProperty("paymentChannel").GetString(), Is.EqualTo("xrechnung"));
    }
}
