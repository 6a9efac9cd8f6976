using System.Globalization;
using Marketplace.Storage;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Audit;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Marketplace.Identity.Tests.Ordering.Ordering;

namespace Marketplace.Identity.Tests.Ordering;

/// <summary>
/// Fit to the back office: the Fachverfahren reference data, a municipality's recorded Fachverfahren (its own; vendors never
/// see who runs what), the fit of offerings on search, offering and order pages, the search filter, and the adapter in the
/// cost summary. Its own host: it changes what München runs.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class FachverfahrenTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;
    private const string Records = $"/api/v1/municipalities/{Muenchen}/fachverfahren";

    [OneTimeSetUp]
    public async Task Start() => _host = await IdentityHost.StartAsync(engine);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static object Runs(params (string Area, string Product, string Version)[] products) =>
        new { products = products.Select(p => new { area = p.Area, product = p.Product, version = p.Version }).ToArray() };

    private async Task RecordAsync(params (string, string, string)[] products) =>
        await JsonAsync(await (await _host.SignedInAsync(DenialMatrix.MuenchenAdmin)).PutAsJsonAsync(Records, Runs(products)), HttpStatusCode.OK);

    [Test]
    public async Task The_reference_data_lists_areas_products_versions_and_standards_for_signed_in_users()
    {
        Assert.That((await _host.CreateClient().GetAsync("/api/v1/fachverfahren")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var body = await JsonAsync(await (await _host.SignedInAsync(DenialMatrix.MuenchenViewer)).GetAsync("/api/v1/fachverfahren"), HttpStatusCode.OK);
        var areas = body.GetProperty("areas").EnumerateArray().ToList();
        Assert.That(areas.Select(a => a.GetProperty("id").GetString()), Is.SupersetOf(new[] { "meldewesen", "kfz-zulassung", "personenstandswesen", "gewerbe", "bauaufsicht", "finanzwesen" }));
        var okEwo = areas.SelectMany(a => a.GetProperty("products").EnumerateArray()).Single(p => p.GetProperty("id").GetString() == "ok-ewo");
        Assert.That(okEwo.GetProperty("manufacturer").GetString(), Does.Contain("AKDB"));
        Assert.That(body.GetProperty("interfaces").EnumerateArray().Select(i => i.GetProperty("id").GetString()), Does.Contain("xmeld").And.Contain("fit-connect"));
    }

    [Test]
    public async Task Only_the_municipalitys_buyer_admin_records_its_Fachverfahren_in_one_audited_change_and_vendors_never_see_them()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2023.2"), ("kfz-zulassung", "ok-vorfahrt", "2024.1"));
        var viewer = await _host.SignedInAsync(DenialMatrix.MuenchenViewer);
        var read = await JsonAsync(await viewer.GetAsync(Records), HttpStatusCode.OK);
        var products = read.GetProperty("products").EnumerateArray().ToList();
        Assert.That(products.Select(p => (p.GetProperty("product").GetString(), p.GetProperty("version").GetString())),
            Is.EqualTo(new[] { ("ok-vorfahrt", "2024.1"), ("ok-ewo", "2023.2") }));
        Assert.That(products[1].GetProperty("productName").GetString(), Is.EqualTo("OK.EWO"));
        Assert.That((await viewer.PutAsJsonAsync(Records, Runs())).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await (await _host.SignedInAsync(DenialMatrix.BundlerAdmin)).PutAsJsonAsync(Records, Runs())).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var koeln = await _host.SignedInAsync(DenialMatrix.KoelnAdmin);
        Assert.That((await koeln.GetAsync(Records)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await koeln.PutAsJsonAsync(Records, Runs())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        foreach (var vendorAccount in new[] { DenialMatrix.KomunaAdmin, DenialMatrix.HavelsoftAdmin })
        {
            var vendor = await _host.SignedInAsync(vendorAccount);
            Assert.That((await vendor.GetAsync(Records)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "vendors do not learn who runs which product");
            Assert.That((int)(await vendor.PutAsJsonAsync(Records, Runs())).StatusCode, Is.AnyOf(403, 404));
            Assert.That((await vendor.GetAsync($"/api/v1/municipalities/{Muenchen}/offerings/wohnsitz-efa-ldvt/back-office-fit")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await vendor.GetAsync("/api/v1/offerings?fachverfahren=fits")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest),
                "the filter works only for a municipality's own records");
        }

        var audit = await _host.Services.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: "fachverfahren.set", ObjectId: Muenchen));
        Assert.That(audit, Is.Not.Empty);
        Assert.That(audit[0].AfterJson, Does.Contain("\"product\":\"ok-ewo\"").And.Contain("\"version\":\"2023.2\""));
    }

    [Test]
    public async Task An_unknown_area_product_or_version_is_refused_per_field_and_changes_nothing()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2025.1"));
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var response = await admin.PutAsJsonAsync(Records, Runs(("meldewesen", "ok-ewo", "1999.1"), ("kfz-zulassung", "ok-ewo", "2025.1"),
            ("gartenbau", "x", "1"), ("meldewesen", "vois-meso", "6.2")));
        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.SupersetOf(new[] { "products/0/version", "products/1/product", "products/2/area", "products/3/area" }));
        var read = await JsonAsync(await admin.GetAsync(Records), HttpStatusCode.OK);
        Assert.That(read.GetProperty("products").EnumerateArray().Single().GetProperty("version").GetString(), Is.EqualTo("2025.1"));
        Assert.That((await admin.PutAsJsonAsync(Records, new { })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task The_fit_and_the_search_filter_tell_fitting_offerings_from_those_needing_an_adapter()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2023.2"));
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var fit = await JsonAsync(await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/offerings/wohnsitz-efa-ldvt/back-office-fit"), HttpStatusCode.OK);
        Assert.That(fit.GetProperty("status").GetString(), Is.EqualTo("adapter"));
        Assert.That(fit.GetProperty("adapterAddOnIds").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "fachverfahrensadapter" }));
        Assert.That(fit.GetProperty("areas")[0].GetProperty("adapterPriceCents").GetInt64(), Is.GreaterThan(0));

        static async Task<List<string?>> Ids(HttpClient c, string query) =>
            (await JsonAsync(await c.GetAsync("/api/v1/offerings?q=Ummeldung&pageSize=50&" + query), HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        var all = await Ids(buyer, "");
        var fits = await Ids(buyer, "fachverfahren=fits");
        var adapter = await Ids(buyer, "fachverfahren=adapter");
        Assert.That(fits, Does.Contain("meldeportal-komuna").And.Not.Contain("wohnsitz-efa-ldvt"));
        Assert.That(adapter, Does.Contain("wohnsitz-efa-ldvt").And.Not.Contain("meldeportal-komuna"));
        Assert.That(fits.Count, Is.LessThan(all.Count));
        Assert.That((await _host.CreateClient().GetAsync("/api/v1/offerings?fachverfahren=fits")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await buyer.GetAsync("/api/v1/offerings?fachverfahren=perfect")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        await RecordAsync(("meldewesen", "ok-ewo", "2025.1"));
        Assert.That(await Ids(buyer, "fachverfahren=fits"), Does.Contain("wohnsitz-efa-ldvt"), "OK.EWO 2025.1 receives FIT-Connect; the answer is never a stale cached one");
    }

    [Test]
    public async Task Search_offering_and_order_pages_show_the_fit_and_the_order_form_preselects_the_adapter_into_the_cost_summary()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2023.2"));
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);

        var search = await buyer.GetStringAsync("/angebote?q=Ummeldung");
        Assert.That(search, Does.Contain("passt zu Ihrem Fachverfahren").And.Contain("braucht Adapter").And.Contain("name=\"fachverfahren\""));
        var filtered = await buyer.GetStringAsync("/angebote?q=Ummeldung&fachverfahren=fits");
        Assert.That(filtered, Does.Contain("Meldeportal Wohnsitz").And.Not.Contain("braucht Adapter"));

        var detail = await buyer.GetStringAsync("/angebote/wohnsitz-efa-ldvt");
        Assert.That(detail, Does.Contain("id=\"backoffice-fit\"").And.Contain("OK.EWO 2023.2"));
        Assert.That(await _host.CreateClient().GetStringAsync("/angebote/wohnsitz-efa-ldvt"), Does.Contain("id=\"backoffice\"").And.Not.Contain("backoffice-fit"),
            "anonymous visitors see the declared delivery, no fit");

        var form = await buyer.GetStringAsync("/angebote/wohnsitz-efa-ldvt/bestellen");
        Assert.That(form, Does.Match("<input type=\"checkbox\" name=\"AddOnIds\" id=\"[^\"]+\" value=\"fachverfahrensadapter\" checked=\"checked\""));
        await AssertCostSummaryIsTheQuoteWithTheAdapterAsync(buyer, form);
    }

    /// <summary>The page's cost summary names the adapter and shows the first invoice the quote with it gives.</summary>
    private static async Task AssertCostSummaryIsTheQuoteWithTheAdapterAsync(HttpClient buyer, string page)
    {
        var quote = await JsonAsync(await buyer.GetAsync(
            $"/api/v1/municipalities/{Muenchen}/offerings/wohnsitz-efa-ldvt/quote?planId=efa-nachnutzung&addOnIds=fachverfahrensadapter"), HttpStatusCode.OK);
        var adapterLine = quote.GetProperty("addOns").EnumerateArray().Single(a => a.GetProperty("extraId").GetString() == "fachverfahrensadapter");
        Assert.That(WebUtility.HtmlDecode(page), Does.Contain(adapterLine.GetProperty("name").GetString()));
        Assert.That(WebUtility.HtmlDecode(page), Does.Contain(Marketplace.Billing.Pricing.Money.Display(quote.GetProperty("firstInvoiceNetCents").GetInt64(), CultureInfo.GetCultureInfo("de-DE"))),
            "the cost summary is the quote with the adapter");
    }

    [Test]
    public async Task The_bundle_order_page_preselects_each_offerings_adapter_into_the_cost_summary()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2023.2"));
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var page = $"/gemeinden/{Muenchen}/buendel/umzug?sel.10124=wohnsitz-efa-ldvt";
        var form = await buyer.GetStringAsync(page);
        Assert.That(form, Does.Match("<input type=\"checkbox\" id=\"[^\"]+\" name=\"addon0\" value=\"fachverfahrensadapter\" checked=\"checked\""),
            "the adapter München's Fachverfahren needs is ticked, as on the single order form");
        await AssertCostSummaryIsTheQuoteWithTheAdapterAsync(buyer, form);

        // What the buyer unticks stays unticked when the summary is recalculated.
        var recalculated = await IdentityHost.PostFormAsync(buyer, page, new()
            { ["IdempotencyKey"] = Guid.NewGuid().ToString(), ["sel.10124"] = "wohnsitz-efa-ldvt", ["plan0"] = "efa-nachnutzung" }, "Quote");
        Assert.That(await recalculated.Content.ReadAsStringAsync(), Does.Not.Match("value=\"fachverfahrensadapter\" checked=\"checked\""));

        await RecordAsync();
        Assert.That(await buyer.GetStringAsync(page), Does.Not.Match("value=\"fachverfahrensadapter\" checked=\"checked\""),
            "without a Fachverfahren that needs it, nothing is preselected");
    }

    [Test]
    public async Task The_quotes_first_invoice_includes_the_adapter_the_Fachverfahren_needs()
    {
        await RecordAsync(("meldewesen", "ok-ewo", "2023.2"));
        var buyer = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        const string url = $"/api/v1/municipalities/{Muenchen}/offerings/wohnsitz-efa-ldvt/quote?planId=efa-nachnutzung";
        var fit = await JsonAsync(await buyer.GetAsync($"/api/v1/municipalities/{Muenchen}/offerings/wohnsitz-efa-ldvt/back-office-fit"), HttpStatusCode.OK);
        var adapter = fit.GetProperty("adapterAddOnIds")[0].GetString();
        var without = await JsonAsync(await buyer.GetAsync(url), HttpStatusCode.OK);
        var with = await JsonAsync(await buyer.GetAsync(url + "&addOnIds=" + adapter), HttpStatusCode.OK);
        var line = with.GetProperty("addOns").EnumerateArray().Single(a => a.GetProperty("extraId").GetString() == adapter);
        Assert.That(line.GetProperty("firstInvoiceCents").GetInt64(), Is.GreaterThan(0));
        Assert.That(with.GetProperty("firstInvoiceNetCents").GetInt64(),
            Is.EqualTo(without.GetProperty("firstInvoiceNetCents").GetInt64() + line.GetProperty("firstInvoiceCents").GetInt64()));
        Assert.That(line.GetProperty("priceCents").GetInt64(), Is.EqualTo(fit.GetProperty("areas")[0].GetProperty("adapterPriceCents").GetInt64()));
    }

    [Test]
    public async Task The_organisation_page_records_the_Fachverfahren_and_is_the_municipalitys_own()
    {
        var admin = await _host.SignedInAsync(DenialMatrix.MuenchenAdmin);
        var page = await admin.GetStringAsync("/organisation/fachverfahren");
        Assert.That(page, Does.Contain("name=\"Selection[meldewesen]\"").And.Contain("OK.EWO 2023.2"));
        var token = IdentityHost.AntiforgeryToken(page);
        var saved = await admin.PostAsync("/organisation/fachverfahren", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Selection[meldewesen]"] = "vois-meso|6.2", ["Selection[gewerbe]"] = "migewa|9.4",
        }));
        var html = await saved.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("id=\"saved\""));
        var read = await JsonAsync(await admin.GetAsync(Records), HttpStatusCode.OK);
        Assert.That(read.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("product").GetString()), Is.EquivalentTo(new[] { "vois-meso", "migewa" }));

        var bad = await admin.PostAsync("/organisation/fachverfahren", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Selection[meldewesen]"] = "vois-meso|0.1",
        }));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("href=\"#field-Selection-meldewesen\"").And.Contain("unbekannte Version des Fachverfahrens"));

        var viewer = await (await _host.SignedInAsync(DenialMatrix.MuenchenViewer)).GetStringAsync("/organisation/fachverfahren");
        Assert.That(viewer, Does.Contain("disabled").And.Not.Contain(">Fachverfahren speichern<"));
        Assert.That((await (await _host.SignedInAsync(DenialMatrix.KomunaAdmin)).GetAsync("/organisation/fachverfahren")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
