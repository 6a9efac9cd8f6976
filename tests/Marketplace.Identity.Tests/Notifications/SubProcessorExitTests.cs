using Marketplace.Kernel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Fulfilment;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using static Marketplace.Identity.Tests.DenialMatrix;
using static Marketplace.Identity.Tests.Notifications.SubProcessorChangeTests;

namespace Marketplace.Identity.Tests.Notifications;

/// <summary>
/// What an objection means for the municipality (Art. 28(2) GDPR): it may leave before the change takes effect. The
/// objection's answer and the subscription page offer the cancellation; it is immediate, and nothing is billed after it,
/// neither add-on days nor usage, however long the vendor takes to confirm the deletion. Its own host: München cancels.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class SubProcessorExitTests(DatabaseEngine engine)
{
    private const string Muenchen = NotificationTests.Muenchen;
    private IdentityHost _host = null!;
    private int _version;
    private string _subscription = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IdentityHost.StartAsync(engine, new Dictionary<string, string?> { ["Instance:Role"] = "web" });
        // Opened to every Land, with a priced add-on and a metered dimension, so that there is something to bill.
        var billable = SeedYaml.Replace("laender: [\"BB\", \"MV\", \"SN\", \"ST\", \"TH\"]", "laender: [\"*\"]").Replace(
            "      includes: [\"Gutachtenanträge\", \"Auskünfte\"]\n",
            "      includes: [\"Gutachtenanträge\", \"Auskünfte\"]\n" +
            "    addOns:\n      - id: epayment\n        name: ePayment-Anbindung\n        nameEn: e-payment integration\n        interval: month\n        priceCents: 4900\n" +
            "    metered:\n      - id: gutachten\n        name: Gutachtenanträge\n        nameEn: Valuation requests\n        unit: Antrag\n        includedPerMonth: 0\n" +
            "        tiers:\n          - upTo: null\n            unitPriceCents: 250\n");
        Assert.That(billable, Does.Contain("priceCents: 4900").And.Contain("laender: [\"*\"]"));
        await PublishAsync(_host, billable);
        await _host.Services.GetRequiredService<OrderService>().PlaceAsync(Muenchen, "user-muenchen", "exit-" + Unique(),
            new OrderRequest(Offering, "geschaeftsstelle", ["epayment"], new JsonObject
                { ["behoerde"] = "Gutachterausschuss München", ["kontaktEmail"] = "gaa@muenchen.example", ["landkreis"] = "München" }));
        _subscription = (await _host.Services.GetRequiredService<SubscriptionService>().ListAsync(Muenchen)).Single(s => s.OfferingId == Offering).Id;
        await _host.Services.GetRequiredService<ManualFulfilment>().CompleteAsync(Vendor, "user-havelsoft", _subscription, null, null);
        _version = await PublishAsync(_host, billable.Replace(
            "    - name: \"Sendinblue GmbH (Brevo)\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: DE\n      land: BE\n",
            "    - name: \"Mailjet SAS\"\n      purpose: \"Versand von Benachrichtigungs-E-Mails\"\n      country: FR\n"));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task An_objecting_municipality_cancels_before_the_change_takes_effect_and_nothing_is_billed_after_the_cancellation()
    {
        var admin = await _host.SignedInAsync(MuenchenAdmin);
        var objected = await admin.PostAsJsonAsync($"/api/v1/municipalities/{Muenchen}/sub-processor-objections",
            new { offeringId = Offering, version = _version, reason = "Mailjet SAS ist nicht geprüft; wir steigen vorher aus." });
        var body = await objected.Content.ReadAsStringAsync();
        Assert.That(objected.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        var objection = JsonNode.Parse(body)!;
        var exit = objection["exit"]!;
        Assert.That((string)exit["method"]!, Is.EqualTo("DELETE"));
        Assert.That((string)exit["href"]!, Is.EqualTo($"/api/v1/municipalities/{Muenchen}/subscriptions/{_subscription}"));
        Assert.That((string)exit["cancelBy"]!, Is.EqualTo((string)objection["effectiveAt"]!), "the cancellation is possible until the change takes effect");
        Assert.That((int)exit["noticePeriodDays"]!, Is.Zero);
        Assert.That((bool)exit["chargesAfterCancellation"]!, Is.False);
        Assert.That((string)exit["explanation"]!, Does.Contain("ohne Kündigungsfrist"));

        var pageUrl = $"/gemeinden/{Muenchen}/abonnements/{_subscription}";
        var page = await admin.GetStringAsync(pageUrl);
        var box = page[page.IndexOf("id=\"objection-exit\"", StringComparison.Ordinal)..];
        Assert.That(box[..box.IndexOf("</div>", StringComparison.Ordinal)], Does.Contain("handler=Cancel").And.Contain("ohne Kündigungsfrist"),
            "the subscription page offers leaving before the change");

        await using var c = await _host.Database.Database.OpenAsync();
        var bookedFrom = DateTimeOffset.Parse(await c.ExecuteScalarAsync<string>(
            "SELECT valid_from FROM subscription_billing_periods WHERE subscription_id = @id", new { id = _subscription }) ?? throw new AssertionException("never booked"));
        var ingestion = _host.Services.GetRequiredService<UsageIngestionService>();
        Assert.That((await ingestion.IngestAsync(Vendor, [new UsageEventInput("exit-before-" + Unique(), _subscription, "gutachten", 3, bookedFrom.AddMilliseconds(1))]))
            .Events.Single().Status, Is.EqualTo(UsageEventStatus.Accepted), "usage while subscribed is billed");

        var cancelled = await admin.DeleteAsync((string)exit["href"]!);
        Assert.That(cancelled.StatusCode, Is.EqualTo(HttpStatusCode.OK), await cancelled.Content.ReadAsStringAsync());
        var cancelledAt = DateTimeOffset.UtcNow;
        Assert.That((await _host.Services.GetRequiredService<SubscriptionService>().GetAsync(Muenchen, _subscription)).State,
            Is.EqualTo(SubscriptionStates.Deprovisioning), "the vendor has not confirmed the deletion yet");

        Assert.That((await ingestion.IngestAsync(Vendor, [new UsageEventInput("exit-after-" + Unique(), _subscription, "gutachten", 7, cancelledAt)]))
            .Events.Single().Status, Is.EqualTo(UsageEventStatus.OutsideOpenPeriod), "usage after the cancellation is not taken");

        // The month billed after it ended: lines up to the cancellation day, none after it.
        var calendar = _host.Services.GetRequiredService<BillingCalendar>();
        var later = new SubProcessorObjectionTests.ShiftedClock(TimeSpan.FromDays(40));
        var runs = new BillingRunService(_host.Database.Database, _host.Services.GetRequiredService<AuditTrail>(), calendar, later,
            _host.Services.GetRequiredService<IOptions<BillingOptions>>(), NullLogger<BillingRunService>.Instance,
            _host.Services.GetRequiredService<SubscriptionRecords>(), _host.Services.GetRequiredService<OfferingRecords>(), _host.Services.GetRequiredService<PlanRecords>());
        await runs.RunAsync(calendar.MonthOf(cancelledAt), Actor.Named("test"));
        var lines = (await c.QueryAsync<(string Kind, string ExtraId, string ServiceTo)>(
            "SELECT kind, extra_id, service_to FROM invoice_lines WHERE subscription_id = @id", new { id = _subscription })).ToList();
        Assert.That(lines.Select(l => l.ExtraId), Does.Contain("gutachten"), "the usage before the cancellation is invoiced");
        var lastDay = calendar.LocalDate(cancelledAt);
        Assert.That(lines.Where(l => DateOnly.Parse(l.ServiceTo[..10]) > lastDay), Is.Empty, "no invoice line runs past the cancellation day");
    }
}
