using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;

namespace Marketplace.Identity.Tests.Billing;

/// <summary>
/// The Billing API's refusals on the same host and invoice as the API tests: RFC 9457 problems in the request's language,
/// each error at its field with its code (problem extension "codes", parallel to "errors").
/// </summary>
public partial class BillingApiTests
{
    private static async Task<(HttpStatusCode Status, JsonNode Problem)> AskAsync(HttpClient client, HttpMethod method, string url, object? body, string language)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Asserts a 400 validation problem with the one error at <paramref name="field"/>: its code and its text.</summary>
    private static async Task ExpectAsync(HttpClient client, HttpMethod method, string url, object? body, string language, string field, string code,
        string german, string english)
    {
        var (status, problem) = await AskAsync(client, method, url, body, language);
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That((string?)problem["title"], Is.EqualTo(language.StartsWith("en") ? "Invalid input" : "Ungültige Eingabe"));
        Assert.That(problem["codes"]?[field]?.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { code }), problem.ToJsonString());
        Assert.That(problem["errors"]?[field]?.AsArray().Select(m => (string?)m), Is.EqualTo(new[] { language.StartsWith("en") ? english : german }),
            problem.ToJsonString());
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_malformed_usage_batch_is_refused_in_the_request_language_at_the_field(string language)
    {
        await ExpectAsync(_vendor, HttpMethod.Post, "/api/v1/usage", new { events = Array.Empty<object>() }, language,
            "events", "usage.batch-empty", "Ein Stapel braucht mindestens ein Ereignis.", "A batch needs at least one event.");
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        await ExpectAsync(_vendor, HttpMethod.Post, "/api/v1/usage", new { events = new[] { Event("ok-" + Unique(), BibliothekSubscription, "neuanmeldungen", 1, now),
                Event("ok-" + Unique(), BibliothekSubscription, "", 1, now) } }, language,
            "events[1].dimension", "usage.dimension", "Jedes Ereignis braucht eine Messgröße („dimension“) mit 1 bis 100 Zeichen.",
            "Every event needs a dimension ('dimension') of 1 to 100 characters.");
        var events = Enumerable.Range(0, 1001).Select(i => Event($"big-{i}-{Unique()}", BibliothekSubscription, "neuanmeldungen", 1, now)).ToArray();
        await ExpectAsync(_vendor, HttpMethod.Post, "/api/v1/usage", new { events }, language,
            "events", "usage.batch-too-large", "Ein Stapel hat höchstens 1000 Ereignisse; dieser hat 1001.", "A batch holds at most 1000 events; this one has 1001.");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_correction_of_an_invoice_is_refused_in_the_request_language_at_the_field(string language)
    {
        var platform = await _host.SignedInAsync(PlatformAdmin);
        var url = $"/api/v1/billing/invoices/{_invoiceId}/corrections";
        await ExpectAsync(platform, HttpMethod.Post, url, new { }, language,
            "lines", "correction.lines-missing", "Nennen Sie mindestens eine Zeile und ihre korrigierte Menge.", "Name at least one line and its corrected quantity.");
        await ExpectAsync(platform, HttpMethod.Post, url, new { lines = new[] { new { lineNo = 1, quantity = 0 } } }, language,
            "reason", "correction.reason-missing", "Begründen Sie die Korrektur; die Gutschrift nennt den Grund.", "Say why the invoice is corrected; the credit note shows it.");
        await ExpectAsync(platform, HttpMethod.Post, url, new { reason = new string('x', 501), lines = new[] { new { lineNo = 1, quantity = 0 } } }, language,
            "reason", "max-length", "höchstens 500 Zeichen", "at most 500 characters");
        await ExpectAsync(platform, HttpMethod.Post, url, new { reason = "Falsch gezählt.", lines = new[] { new { lineNo = 999, quantity = 0 } } }, language,
            "lines[0].lineNo", "correction.unknown-line", $"Rechnung {_invoiceNumber} hat keine Zeile 999.", $"Invoice {_invoiceNumber} has no line 999.");
        await ExpectAsync(platform, HttpMethod.Post, url, new { reason = "Falsch gezählt.", lines = new[] { new { lineNo = 1, quantity = 0 }, new { lineNo = 1, quantity = 0 } } },
            language, "lines[1].lineNo", "correction.line-twice", "Zeile 1 ist doppelt genannt.", "Line 1 is named twice.");

        var (status, problem) = await AskAsync(platform, HttpMethod.Post, "/api/v1/billing/invoices/no-such-invoice/corrections",
            new { reason = "Falsch gezählt.", lines = new[] { new { lineNo = 1, quantity = 0 } } }, language);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound), problem.ToJsonString());
        Assert.That(((string?)problem["title"], (string?)problem["detail"]), Is.EqualTo(language.StartsWith("en")
            ? ("Not found", "This does not exist, or it is not yours.") : ("Nicht gefunden", "Das gibt es nicht, oder es ist nicht Ihres.")));
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_billing_account_is_refused_in_the_request_language_at_the_field(string language)
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var url = $"/api/v1/municipalities/{Muenchen}/billing-account";
        await ExpectAsync(admin, HttpMethod.Put, url, new { paymentChannel = "fax", email = "rechnung@muenchen.example" }, language,
            "paymentChannel", "billing-account.payment-channel", "Der Zahlungsweg ist „xrechnung“ oder „stripe“.", "The payment channel is 'xrechnung' or 'stripe'.");
        await ExpectAsync(admin, HttpMethod.Put, url, new { paymentChannel = "xrechnung", email = "rechnung" }, language,
            "email", "billing-account.email", "Die E-Mail-Adresse für Rechnungen fehlt oder ist ungültig.", "The e-mail address for invoices is missing or invalid.");
    }

    [TestCase("de-DE")]
    [TestCase("en-GB")]
    public async Task A_run_of_an_open_month_and_reports_of_reversed_months_are_refused_in_the_request_language(string language)
    {
        await ExpectAsync(await _host.SignedInAsync(PlatformAdmin), HttpMethod.Post, "/api/v1/billing/runs", new { period = "2099-01" }, language,
            "period", "billing-run.month-not-ended", "Der Monat 2099-01 ist noch nicht zu Ende; abrechnen lässt er sich ab 2099-02-01.",
            "2099-01 has not ended yet; it can be billed from 2099-02-01 on.");
        await ExpectAsync(await _host.SignedInAsync(KomunaAdmin), HttpMethod.Get, "/api/v1/vendors/komuna-digital/revenue?from=2026-09&to=2026-01", null, language,
            "to", "months.reversed", "Der letzte Monat („to“) liegt vor dem ersten („from“).", "The last month ('to') comes before the first ('from').");
        await ExpectAsync(await _host.SignedInAsync(Auditor), HttpMethod.Get, "/api/v1/billing/funding?from=2016-01&to=2026-01", null, language,
            "to", "months.too-many", "Von „from“ bis „to“ höchstens zehn Jahre auf einmal.", "From 'from' to 'to' at most ten years at once.");
    }
}
