using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Api;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Stripe;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests.Stripe;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class StripeTests(DatabaseEngine engine)
{
    private const string WebhookSecret = "whsec_test_secret";
    private BillingWorld _world = null!;
    private RecordingStripeServer _stripe = null!;
    private StripeInvoiceSync _sync = null!;
    private Invoice _invoice = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        _stripe = await RecordingStripeServer.StartAsync();
        _world.Options.Stripe.ApiBase = _stripe.BaseUrl;
        _world.Options.Stripe.ApiKey = "sk_test_123";
        _world.Options.Stripe.WebhookSecret = WebhookSecret;
        _sync = NewSync();

        await _world.SubscribeAsync("sub-m1", Muenchen, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus,archiv"));
        await _world.SetupFeeAsync("sub-m1", "einrichtung", "2026-11-03T09:00:00+01:00");
        await _world.AccountAsync(Muenchen, PaymentChannels.Stripe, null);
        await _world.Runs.RunAsync(new BillingMonth(2026, 11), Admin);
        _invoice = await _world.Invoices.FinalizeAsync((await _world.Invoices.ListForMunicipalityAsync(Muenchen)).Single().Id, Admin);
    }

    private StripeInvoiceSync NewSync()
    {
        var options = Options.Create(_world.Options);
        return new StripeInvoiceSync(_world.Database, new StripeNetAdapter(new HttpClient(), options), _world.Audit, BillingCalendar.Berlin,
            _world.Clock, options, NullLogger<StripeInvoiceSync>.Instance, _world.Accounts);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stripe.DisposeAsync();
        await _world.DisposeAsync();
    }

    private string[] ExpectedKeys() =>
    [
        $"mp-customer-{Muenchen}", $"mp-invoice-{_invoice.Id}", "mp-tax-rate-S-1900",
        $"mp-invoice-{_invoice.Id}-line-1", $"mp-invoice-{_invoice.Id}-line-2", $"mp-invoice-{_invoice.Id}-line-3",
        $"mp-invoice-{_invoice.Id}-finalize",
    ];

    [Test]
    public async Task A_push_creates_customer_invoice_items_and_finalizes_each_with_its_own_key()
    {
        Assert.That(await _sync.PushAsync(_invoice.Id), Is.True);
        var requests = _stripe.Requests.ToList();
        Assert.That(requests.Select(r => (r.Method, PathOf(r.Path))), Is.EqualTo(new[]
        {
            ("POST", "/v1/customers"), ("POST", "/v1/invoices"), ("POST", "/v1/tax_rates"),
            ("POST", "/v1/invoiceitems"), ("POST", "/v1/invoiceitems"), ("POST", "/v1/invoiceitems"),
            ("POST", "/v1/invoices/{id}/finalize"),
        }));
        Assert.That(requests.Select(r => r.IdempotencyKey), Is.EqualTo(ExpectedKeys()));

        var items = requests.Where(r => r.Path == "/v1/invoiceitems").ToList();
        Assert.That(items.Sum(i => long.Parse(i.Form["amount"])), Is.EqualTo(_invoice.NetCents), "the items are the net lines; Stripe adds the VAT by tax rate");
        Assert.That(items.Select(i => i.Form["description"]), Has.None.Contains("Umsatzsteuer"), "VAT is no product line");
        var taxRate = requests.Single(r => r.Path == "/v1/tax_rates");
        Assert.That((taxRate.Form["percentage"], taxRate.Form["inclusive"], taxRate.Form["metadata[vat_category]"]), Is.EqualTo(("19", "false", "S")));
        Assert.That(items.Select(i => i.Form["tax_rates[0]"]).Distinct(), Is.EqualTo(new[] { "txr_3" }), "every item carries the 19 % tax rate");
        Assert.That(items.Select(i => i.Form["currency"]).Distinct(), Is.EqualTo(new[] { "eur" }));
        var stripeInvoiceId = items[0].Form["invoice"];
        Assert.That(requests[1].Form["metadata[marketplace_invoice_id]"], Is.EqualTo(_invoice.Id));
        Assert.That(requests[^1].Path, Is.EqualTo($"/v1/invoices/{stripeInvoiceId}/finalize"));

        var stored = (await _world.Invoices.GetAsync(_invoice.Id))!.Invoice;
        Assert.That((stored.StripeInvoiceId, stored.StripePushedAt is not null), Is.EqualTo((stripeInvoiceId, true)));
        Assert.That((await _world.Accounts.GetAsync(Muenchen))!.StripeCustomerId, Is.EqualTo("cus_1"));

        // Pushed is pushed: a second push sends nothing.
        Assert.That(await _sync.PushAsync(_invoice.Id), Is.False);
        Assert.That(_stripe.Requests, Has.Count.EqualTo(requests.Count));
    }

    [Test]
    public async Task A_push_retried_after_a_failure_sends_the_same_keys_and_creates_nothing_twice()
    {
        _stripe.FailNextOn = "/v1/invoices/in_2/finalize";
        await Assert.ThrowsAsync<global::Stripe.StripeException>(() => _sync.PushAsync(_invoice.Id));
        var firstAttempt = _stripe.Requests.Select(r => r.IdempotencyKey).ToList();
        Assert.That(firstAttempt, Is.EqualTo(ExpectedKeys()));

        Assert.That(await _sync.PushPendingAsync(), Is.EqualTo(1));
        var secondAttempt = _stripe.Requests.Skip(firstAttempt.Count).Select(r => r.IdempotencyKey).ToList();
        // Customer and Stripe invoice were stored on the first attempt; items and finalisation repeat with the same keys.
        // The tax rate is known by then: it is not asked for again.
        Assert.That(secondAttempt, Is.EqualTo(ExpectedKeys().Skip(3)));
        Assert.That(_stripe.Created.Count(id => id.StartsWith("ii_", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(_stripe.Created.Count(id => id.StartsWith("in_", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_repeated_run_from_scratch_sends_exactly_the_same_keys()
    {
        await _sync.PushAsync(_invoice.Id);
        var first = _stripe.Requests.Select(r => r.IdempotencyKey).ToList();
        // Forget everything we stored about Stripe, as if the writes after each call had been lost, and push again.
        await using (var c = await _world.Database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE invoices SET stripe_invoice_id = NULL, stripe_pushed_at = NULL");
            await c.ExecuteAsync("UPDATE billing_accounts SET stripe_customer_id = NULL");
            await c.ExecuteAsync("DELETE FROM stripe_tax_rates");
        }
        await NewSync().PushAsync(_invoice.Id);
        Assert.That(_stripe.Requests.Skip(first.Count).Select(r => r.IdempotencyKey), Is.EqualTo(first));
        Assert.That(_stripe.Created.Distinct().Count(), Is.EqualTo(_stripe.Created.Count));
        Assert.That(_stripe.Created, Has.Count.EqualTo(6), "one customer, one invoice, one tax rate, three items: nothing created twice");
    }

    [Test]
    public async Task Voiding_a_pushed_invoice_issues_a_Stripe_credit_note_with_the_same_tax_rates_once()
    {
        await _sync.PushAsync(_invoice.Id);
        await _world.Invoices.VoidAsync(_invoice.Id, Admin);
        Assert.That(await _sync.PushPendingCreditNotesAsync(_invoice.Id), Is.EqualTo(1));
        Assert.That(await _sync.PushPendingCreditNotesAsync(_invoice.Id), Is.EqualTo(0), "a credit note Stripe has is not sent again");

        var request = _stripe.Requests.Single(r => r.Path == "/v1/credit_notes");
        var creditNote = (await new CreditNoteService(_world.Database, _world.Audit, BillingCalendar.Berlin, _world.Clock, Options.Create(_world.Options))
            .ListForInvoiceAsync(_invoice.Id)).Single();
        Assert.That(request.IdempotencyKey, Is.EqualTo($"mp-credit-note-{creditNote.Id}"));
        Assert.That(request.Form["invoice"], Is.EqualTo(StripeInvoiceId()));
        var lines = Enumerable.Range(0, 3).Select(i => (Type: request.Form[$"lines[{i}][type]"], Amount: long.Parse(request.Form[$"lines[{i}][unit_amount]"]),
            Rate: request.Form[$"lines[{i}][tax_rates][0]"])).ToList();
        Assert.That(lines.Sum(l => l.Amount), Is.EqualTo(_invoice.NetCents));
        Assert.That(lines.Select(l => (l.Type, l.Rate)).Distinct(), Is.EqualTo(new[] { ("custom_line_item", "txr_3") }));
        Assert.That(_stripe.Requests.Count(r => r.Path == "/v1/tax_rates"), Is.EqualTo(1), "the tax rate is made once");
        Assert.That(creditNote.StripeCreditNoteId, Is.Not.Null);
    }

    [Test]
    public async Task Replacing_a_pushed_invoice_credits_it_in_Stripe_and_pushes_the_new_invoice_once_each()
    {
        await _sync.PushAsync(_invoice.Id);
        var creditNotes = new CreditNoteService(_world.Database, _world.Audit, BillingCalendar.Berlin, _world.Clock, Options.Create(_world.Options));
        var fee = (await _world.Invoices.GetAsync(_invoice.Id))!.Lines.Single(l => l.Kind == ExtraKind.SetupFee);
        var replacement = await creditNotes.ReplaceAsync(_invoice.Id, [new LineCorrection(fee.LineNo, 2)], "Einrichtung an zwei Standorten", Admin);

        Assert.That(await _sync.PushPendingCreditNotesAsync(_invoice.Id), Is.EqualTo(1));
        Assert.That(await _sync.PushPendingAsync(), Is.EqualTo(1), "the new invoice is a finalized Stripe invoice not pushed yet");
        var sent = _stripe.Requests.Count;
        Assert.That(await _sync.PushPendingCreditNotesAsync(_invoice.Id), Is.EqualTo(0));
        Assert.That(await _sync.PushPendingAsync(), Is.EqualTo(0), "the voided original is not pushed again, the new invoice not twice");
        Assert.That(_stripe.Requests, Has.Count.EqualTo(sent));

        var note = _stripe.Requests.Single(r => r.Path == "/v1/credit_notes");
        Assert.That((note.IdempotencyKey, note.Form["invoice"]), Is.EqualTo(($"mp-credit-note-{replacement.CreditNote.CreditNote.Id}", StripeInvoiceId())));
        var newId = replacement.Invoice.Invoice.Id;
        var items = _stripe.Requests.Where(r => r.Path == "/v1/invoiceitems" && r.IdempotencyKey!.StartsWith($"mp-invoice-{newId}-", StringComparison.Ordinal)).ToList();
        Assert.That(items.Sum(i => long.Parse(i.Form["amount"])), Is.EqualTo(replacement.Invoice.Invoice.NetCents));
        Assert.That(replacement.Invoice.Invoice.NetCents, Is.EqualTo(_invoice.NetCents + fee.AmountCents));
        Assert.That((await _world.Invoices.GetAsync(newId))!.Invoice.StripePushedAt, Is.Not.Null);
    }

    // ---- webhook -------------------------------------------------------------------------------------------------

    private async Task<(WebApplication App, HttpClient Client)> HostAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Billing:Stripe:WebhookSecret"] = WebhookSecret,
            ["Audit:ChainKey"] = "test",   // the key the world's own audit trail writes with: one chain
        });
        builder.Services.AddSingleton(_world.Database);
        builder.Services.AddSingleton<TimeProvider>(_world.Clock);
        builder.Services.AddAudit(builder.Configuration);
        builder.Services.AddBilling(builder.Configuration);
        var app = builder.Build();
        app.MapBillingApi();
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private async Task PushedAsync() => await _sync.PushAsync(_invoice.Id);

    private string StripeInvoiceId() => _stripe.Requests.First(r => r.Path == "/v1/invoiceitems").Form["invoice"];

    private string Payload(string eventId, string type) => $$"""
        {"id":"{{eventId}}","object":"event","api_version":"2020-08-27","created":{{_world.Clock.GetUtcNow().ToUnixTimeSeconds()}},"livemode":false,
         "type":"{{type}}","data":{"object":{"id":"{{StripeInvoiceId()}}","object":"invoice","status":"paid"} } }
        """;

    private string Sign(string payload, string secret)
    {
        var t = _world.Clock.GetUtcNow().ToUnixTimeSeconds();
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}")));
        return $"t={t},v1={v1}";
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string payload, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BillingApi.StripeWebhookPath) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", signature);
        return client.SendAsync(request);
    }

    private async Task<(string State, long Events, long Audit)> Snapshot()
    {
        await using var c = await _world.Database.OpenAsync();
        return ((await _world.Invoices.GetAsync(_invoice.Id))!.Invoice.State,
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stripe_events"),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log"));
    }

    [Test]
    public async Task A_webhook_with_a_bad_signature_is_answered_400_and_changes_nothing()
    {
        await PushedAsync();
        var (app, client) = await HostAsync();
        await using var _ = app;
        var before = await Snapshot();
        var payload = Payload("evt_1", "invoice.paid");

        var wrongSecret = await Post(client, payload, Sign(payload, "whsec_someone_else"));
        var tampered = await Post(client, payload.Replace("invoice.paid", "invoice.payment_failed"), Sign(payload, WebhookSecret));
        var garbage = await Post(client, payload, "not a signature");

        Assert.That(new[] { wrongSecret.StatusCode, tampered.StatusCode, garbage.StatusCode }, Is.All.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(wrongSecret.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_signed_invoice_paid_event_marks_the_invoice_paid_once()
    {
        await PushedAsync();
        var (app, client) = await HostAsync();
        await using var _ = app;
        var payload = Payload("evt_2", "invoice.paid");

        var first = await Post(client, payload, Sign(payload, WebhookSecret));
        var after = await Snapshot();
        var redelivered = await Post(client, payload, Sign(payload, WebhookSecret));

        Assert.That((first.StatusCode, redelivered.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(after.State, Is.EqualTo(InvoiceStates.Paid));
        Assert.That(await Snapshot(), Is.EqualTo(after), "a redelivered event changes nothing");
        Assert.That(await redelivered.Content.ReadAsStringAsync(), Does.Contain("AlreadyProcessed"));
    }

    [Test]
    public async Task A_payment_failure_is_recorded_and_a_later_payment_still_counts()
    {
        await PushedAsync();
        var (app, client) = await HostAsync();
        await using var _ = app;
        var failed = Payload("evt_3", "invoice.payment_failed");
        await Post(client, failed, Sign(failed, WebhookSecret));
        Assert.That((await Snapshot()).State, Is.EqualTo(InvoiceStates.PaymentFailed));
        var paid = Payload("evt_4", "invoice.paid");
        await Post(client, paid, Sign(paid, WebhookSecret));
        Assert.That((await Snapshot()).State, Is.EqualTo(InvoiceStates.Paid));
        Assert.That((await _world.Audit.VerifyAsync()).Intact, Is.True);
    }

    private static string PathOf(string path) => path.StartsWith("/v1/invoices/", StringComparison.Ordinal) ? "/v1/invoices/{id}/finalize" : path;
}
