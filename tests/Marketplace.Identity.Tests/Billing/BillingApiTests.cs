using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Duende.IdentityModel.Client;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Billing;

/// <summary>
/// The billing API on the running host: a vendor system reports usage with its client-credentials token, the platform
/// bills a past month on demand, and the municipality (only it) sees the invoice, its lines and its XRechnung.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public partial class BillingApiTests(DatabaseEngine engine)
{
    public const string Muenchen = "09162000";
    public const string Koeln = "05315000";
    /// <summary>A Komuna offering with a metered dimension (100 included a month, then 0.50 EUR up to 500 above).</summary>
    public const string Bibliothek = "stadtbibliothek-online-komuna";
    public const string BibliothekSubscription = "billing-web-bibliothek-muenchen";
    /// <summary>A Havelsoft offering: its subscription is not Komuna's to report for.</summary>
    public const string HavelsoftSubscription = "billing-web-gutachter-muenchen";
    public const string BilledPeriod = "2026-09";

    private IdentityHost _host = null!;
    private HttpClient _vendor = null!;
    private string _invoiceId = null!;
    private string _invoiceNumber = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await SharedHosts.For(engine);
        await SubscribeAsync(_host, BibliothekSubscription, Muenchen, Bibliothek, "komuna-digital", "standard");
        await SubscribeAsync(_host, HavelsoftSubscription, Muenchen, "gutachterausschuss-havelsoft", "havelsoft", "geschaeftsstelle");
        _vendor = await VendorClientAsync(_host, "komuna-system", "komuna-demo-secret-2026");

        // September: 600 requests, 500 above the included 100, at 0.50 EUR: a 250.00 EUR line.
        var september = await ReportAsync(Event("sep-" + Unique(), BibliothekSubscription, "neuanmeldungen", 600, DateTimeOffset.Parse("2026-09-15T10:00:00Z")));
        Assert.That(Statuses(september), Is.EqualTo(new[] { "accepted" }));

        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var account = await admin.PutAsJsonAsync($"/api/v1/municipalities/{Muenchen}/billing-account", new { paymentChannel = "xrechnung", email = "rechnung@muenchen.example" });
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.OK), await account.Content.ReadAsStringAsync());

        var platform = await _host.SignedInAsync(PlatformAdmin);
        var run = await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = BilledPeriod });
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.Created), await run.Content.ReadAsStringAsync());
        var finalize = await platform.PostAsync($"/api/v1/billing/periods/{BilledPeriod}/finalization", null);
        Assert.That(finalize.StatusCode, Is.EqualTo(HttpStatusCode.OK), await finalize.Content.ReadAsStringAsync());
        var invoice = (await finalize.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("finalized").EnumerateArray()
            .Single(i => i.GetProperty("municipalityAgs").GetString() == Muenchen);
        (_invoiceId, _invoiceNumber) = (invoice.GetProperty("id").GetString()!, invoice.GetProperty("number").GetString()!);
    }

    /// <summary>A subscription as provisioning writes it: active, standard plan since August, no add-ons.</summary>
    public static async Task SubscribeAsync(IdentityHost host, string id, string ags, string offering, string vendor, string plan)
    {
        await using var c = await host.Database.Database.OpenAsync();
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subscriptions WHERE id = @id", new { id }) > 0) return;
        var from = StoredTimestamp.Format(DateTimeOffset.Parse("2026-07-31T22:00:00Z"));
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @ags, @offering, @vendor, @plan, 'active', @from, @from)
            """, new { id, ags, offering, vendor, plan, from });
        await c.ExecuteAsync("""
            INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to) VALUES (@id, 1, @plan, '', @from, NULL)
            """, new { id, plan, from });
    }

    /// <summary>A client calling with a client-credentials token, as a vendor's system does.</summary>
    public static async Task<HttpClient> VendorClientAsync(IdentityHost host, string clientId, string secret)
    {
        var http = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        var disco = await http.GetDiscoveryDocumentAsync(IdentityHost.BaseAddress.ToString());
        Assert.That(disco.IsError, Is.False, disco.Error);
        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = clientId, ClientSecret = secret, Scope = "marketplace",
        });
        Assert.That(token.IsError, Is.False, token.Error);
        var api = host.CreateClient(new() { BaseAddress = IdentityHost.BaseAddress });
        api.SetBearerToken(token.AccessToken!);
        return api;
    }

    private static object Event(string id, string subscription, string dimension, long quantity, DateTimeOffset at) =>
        new { eventId = id, subscriptionId = subscription, dimension, quantity, timestamp = at };

    private async Task<JsonElement> ReportAsync(params object[] events)
    {
        var response = await _vendor.PostAsJsonAsync("/api/v1/usage", new { events });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Statuses(JsonElement batch) =>
        batch.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()!).ToArray();

    [Test]
    public async Task A_vendor_system_reports_a_batch_and_gets_a_status_per_event()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var id = "now-" + Unique();
        var batch = await ReportAsync(
            Event(id, BibliothekSubscription, "neuanmeldungen", 3, now),
            Event(id, BibliothekSubscription, "neuanmeldungen", 3, now),
            Event("other-" + Unique(), HavelsoftSubscription, "neuanmeldungen", 1, now),
            Event("dim-" + Unique(), BibliothekSubscription, "no-such-dimension", 1, now));
        Assert.That(Statuses(batch), Is.EqualTo(new[] { "accepted", "duplicate", "unknown_subscription", "invalid_dimension" }));
        Assert.That((batch.GetProperty("accepted").GetInt32(), batch.GetProperty("duplicates").GetInt32(), batch.GetProperty("rejected").GetInt32()),
            Is.EqualTo((1, 1, 2)));

        // Sent again later, the event is a duplicate and is not counted twice.
        Assert.That(Statuses(await ReportAsync(Event(id, BibliothekSubscription, "neuanmeldungen", 3, now))), Is.EqualTo(new[] { "duplicate" }));
    }

    [Test]
    public async Task Another_vendors_subscription_answers_as_unknown_like_one_that_does_not_exist()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var batch = await ReportAsync(Event("x-" + Unique(), HavelsoftSubscription, "d", 1, now), Event("y-" + Unique(), "no-such-subscription", "d", 1, now));
        Assert.That(Statuses(batch), Is.EqualTo(new[] { "unknown_subscription", "unknown_subscription" }));
    }

    [Test]
    public async Task A_batch_above_1000_events_is_refused_naming_the_field()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var events = Enumerable.Range(0, 1001).Select(i => Event($"big-{i}-{Unique()}", BibliothekSubscription, "neuanmeldungen", 1, now)).ToArray();
        var response = await _vendor.PostAsJsonAsync("/api/v1/usage", new { events });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events", out _), Is.True);
    }

    [Test]
    public async Task The_municipality_and_its_viewer_see_the_invoice_with_its_lines()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var list = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/invoices");
        Assert.That(list.EnumerateArray().Select(i => i.GetProperty("number").GetString()), Does.Contain(_invoiceNumber));
        var document = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}");
        var line = document.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("subscriptionId").GetString() == BibliothekSubscription);
        Assert.That((line.GetProperty("quantity").GetInt64(), line.GetProperty("unitPriceCents").GetInt64(), line.GetProperty("amountCents").GetInt64()),
            Is.EqualTo((500L, 50L, 25000L)));
        var badPage = await viewer.GetAsync($"/api/v1/municipalities/{Muenchen}/invoices?limit=0");
        Assert.That(badPage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await badPage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _), Is.True);
    }

    [Test]
    public async Task Invoices_and_runs_answer_their_times_as_stored()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var invoice = (await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/invoices"))
            .EnumerateArray().Single(i => i.GetProperty("id").GetString() == _invoiceId);
        var run = (await (await _host.SignedInAsync(Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/billing/runs"))
            .EnumerateArray().Single(r => r.GetProperty("id").GetString() == invoice.GetProperty("billingRunId").GetString());
        await using var c = await _host.Database.Database.OpenAsync();
        var stored = await c.QuerySingleAsync<(string CreatedAt, string UpdatedAt, string StartedAt, string CompletedAt)>(
            "SELECT i.created_at, i.updated_at, r.started_at, r.completed_at FROM invoices i JOIN billing_runs r ON r.id = i.billing_run_id WHERE i.id = @id",
            new { id = _invoiceId });

        Assert.That((invoice.GetProperty("createdAt").GetString(), invoice.GetProperty("updatedAt").GetString(),
            run.GetProperty("startedAt").GetString(), run.GetProperty("completedAt").GetString()), Is.EqualTo(stored));
        Assert.That(stored.UpdatedAt, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
    }

    [Test]
    public async Task Another_municipality_gets_404_for_the_invoice_by_either_address()
    {
        var koeln = await _host.SignedInAsync(KoelnAdmin);
        foreach (var url in new[]
                 {
                     $"/api/v1/municipalities/{Muenchen}/invoices", $"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}",
                     $"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}/xrechnung", $"/api/v1/municipalities/{Koeln}/invoices/{_invoiceId}",
                     $"/api/v1/municipalities/{Koeln}/invoices/{_invoiceId}/xrechnung",
                 })
            Assert.That((await koeln.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
        var own = await koeln.GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Koeln}/invoices");
        Assert.That(own.EnumerateArray().Select(i => i.GetProperty("id").GetString()), Does.Not.Contain(_invoiceId));
    }

    [Test]
    public async Task The_XRechnung_download_is_UBL_XML_with_the_organisations_Leitweg_ID()
    {
        var viewer = await _host.SignedInAsync(MuenchenViewer);
        var response = await viewer.GetAsync($"/api/v1/municipalities/{Muenchen}/invoices/{_invoiceId}/xrechnung");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/xml"));
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        var cbc = System.Xml.Linq.XNamespace.Get("urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
        // BT-10 Buyer reference: the Leitweg-ID the demo organisation of München keeps (identity is its one source).
        Assert.That(xml.Root!.Element(cbc + "BuyerReference")!.Value, Is.EqualTo("09162000-0001-54"));
        Assert.That(xml.Root!.Element(cbc + "ID")!.Value, Is.EqualTo(_invoiceNumber));
    }

    [Test]
    public async Task Only_a_platform_admin_starts_a_billing_run_and_only_for_a_month_that_has_ended()
    {
        foreach (var who in new[] { Auditor, MuenchenAdmin, KomunaAdmin })
            Assert.That((await (await _host.SignedInAsync(who)).PostAsJsonAsync("/api/v1/billing/runs", new { period = "2020-02" })).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), who);
        var platform = await _host.SignedInAsync(PlatformAdmin);
        var future = await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = "2099-01" });
        Assert.That(future.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await future.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("period", out _), Is.True);

        // The billed month again: no second invoice, the same amounts.
        var again = await platform.PostAsJsonAsync("/api/v1/billing/runs", new { period = BilledPeriod });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run").GetProperty("invoiceCount").GetInt64(), Is.Zero);
        var runs = await (await _host.SignedInAsync(Auditor)).GetFromJsonAsync<JsonElement>("/api/v1/billing/runs");
        Assert.That(runs.EnumerateArray().Count(r => r.GetProperty("period").GetString() == BilledPeriod && r.GetProperty("invoiceCount").GetInt64() > 0), Is.EqualTo(1));
    }

    [Test]
    public async Task Usage_of_the_month_against_included_quantities_and_the_forecast()
    {
        var usage = await (await _host.SignedInAsync(MuenchenViewer)).GetFromJsonAsync<JsonElement>($"/api/v1/municipalities/{Muenchen}/usage?period={BilledPeriod}");
        var meter = usage.GetProperty("meters").EnumerateArray().Single(m => m.GetProperty("subscriptionId").GetString() == BibliothekSubscription);
        Assert.That((meter.GetProperty("included").GetInt64(), meter.GetProperty("used").GetInt64(), meter.GetProperty("above").GetInt64()),
            Is.EqualTo((100L, 600L, 500L)));
        // A past month is complete: its forecast is what was billed.
        Assert.That(usage.GetProperty("forecastNetCents").GetInt64(), Is.GreaterThanOrEqualTo(25000));
        Assert.That((await (await _host.SignedInAsync(KoelnAdmin)).GetAsync($"/api/v1/municipalities/{Muenchen}/usage")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_vendor_sees_its_usage_and_revenue_and_not_another_vendors()
    {
        var komuna = await _host.SignedInAsync(KomunaAdmin);
        var usage = await komuna.GetFromJsonAsync<JsonElement>($"/api/v1/vendors/komuna-digital/usage?period={BilledPeriod}");
        Assert.That(usage.EnumerateArray().Single(u => u.GetProperty("offeringId").GetString() == Bibliothek).GetProperty("quantity").GetInt64(), Is.EqualTo(600));
        var revenue = await komuna.GetFromJsonAsync<JsonElement>($"/api/v1/vendors/komuna-digital/revenue?from={BilledPeriod}&to={BilledPeriod}");
        Assert.That(revenue.EnumerateArray().Single(r => r.GetProperty("offeringId").GetString() == Bibliothek).GetProperty("netCents").GetInt64(), Is.EqualTo(25000));
        Assert.That((await (await _host.SignedInAsync(HavelsoftAdmin)).GetAsync("/api/v1/vendors/komuna-digital/revenue")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_funding_report_comes_as_CSV_for_auditors()
    {
        var response = await (await _host.SignedInAsync(Auditor)).GetAsync($"/api/v1/billing/funding.csv?from={BilledPeriod}&to={BilledPeriod}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("Monat;Foerdergeber;Land"));
        // The library's standard package, a whole month at 79.00 EUR list value, in Bavaria.
        Assert.That(lines.Any(l => l.StartsWith($"{BilledPeriod};", StringComparison.Ordinal) && l.Contains(";09;", StringComparison.Ordinal) && l.Contains(Bibliothek, StringComparison.Ordinal)), Is.True,
            string.Join("\n", lines));
        var bad = await (await _host.SignedInAsync(Auditor)).GetAsync("/api/v1/billing/funding.csv?from=2026-13");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
