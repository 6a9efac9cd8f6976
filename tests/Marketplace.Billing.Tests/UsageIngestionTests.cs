using Marketplace.Kernel;
using Dapper;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class UsageIngestionTests(DatabaseEngine engine)
{
    private BillingWorld _world = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        _world.Clock.Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z");
        await _world.SubscribeAsync("sub-m", Muenchen, Bauantrag, new Period("2026-10-15T10:00:00+02:00", null, "gemeinde"));
        await _world.SubscribeAsync("sub-p", Muenchen, Parken, new Period("2026-11-01T00:00:00+01:00", null, "standard"));
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private Task<UsageBatchResult> Ingest(string vendor, params UsageEventInput[] events) => _world.Ingestion.IngestAsync(vendor, events);

    private async Task<long> StoredUnits()
    {
        await using var c = await _world.Database.OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(quantity), 0) FROM usage_events");
    }

    [Test]
    public async Task Every_event_gets_its_own_status()
    {
        var result = await Ingest(VendorA,
            Event("e1", "sub-m", "antraege", 3, "2026-11-19T10:00:00Z"),
            Event("e2", "sub-x", "antraege", 1, "2026-11-19T10:00:00Z"),
            Event("e3", "sub-m", "sms", 1, "2026-11-19T10:00:00Z"),
            Event("e4", "sub-m", "antraege", 0, "2026-11-19T10:00:00Z"),
            Event("e5", "sub-m", "antraege", -2, "2026-11-19T10:00:00Z"),
            Event("e6", "sub-m", "antraege", 1, "2026-10-01T10:00:00Z"),    // before the subscription started
            Event("e7", "sub-m", "antraege", 1, "2026-11-21T12:00:00Z"),    // a day in the future
            Event("e1", "sub-m", "antraege", 3, "2026-11-19T10:00:00Z"));   // repeated inside the batch
        Assert.That(result.Events.Select(e => (e.EventId, e.Status)), Is.EqualTo(new[]
        {
            ("e1", UsageEventStatus.Accepted),
            ("e2", UsageEventStatus.UnknownSubscription),
            ("e3", UsageEventStatus.InvalidDimension),
            ("e4", UsageEventStatus.InvalidQuantity),
            ("e5", UsageEventStatus.InvalidQuantity),
            ("e6", UsageEventStatus.OutsideOpenPeriod),
            ("e7", UsageEventStatus.OutsideOpenPeriod),
            ("e1", UsageEventStatus.Duplicate),
        }));
        Assert.That(await StoredUnits(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_repeated_batch_is_answered_duplicate_and_counted_once()
    {
        var events = Enumerable.Range(0, 50).Select(i => Event($"evt-{i}", "sub-m", "antraege", 2, "2026-11-19T10:00:00Z")).ToArray();
        var first = await Ingest(VendorA, events);
        var second = await Ingest(VendorA, events);
        Assert.That(first.Count(UsageEventStatus.Accepted), Is.EqualTo(50));
        Assert.That(second.Count(UsageEventStatus.Duplicate), Is.EqualTo(50));
        Assert.That(await StoredUnits(), Is.EqualTo(100));
    }

    [Test]
    public async Task Two_parallel_batches_with_the_same_event_ids_count_each_event_once()
    {
        var events = Enumerable.Range(0, 1_000).Select(i => Event($"par-{i}", "sub-m", "antraege", 1, "2026-11-19T10:00:00Z")).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Ingest(VendorA, events))));
        Assert.That(results.Sum(r => r.Count(UsageEventStatus.Accepted)), Is.EqualTo(1_000));
        Assert.That(results.Sum(r => r.Count(UsageEventStatus.Duplicate)), Is.EqualTo(3_000));
        // Every id is accepted by exactly one batch.
        Assert.That(results.SelectMany(r => r.Events).Where(e => e.Status == UsageEventStatus.Accepted).Select(e => e.EventId), Is.Unique);
        Assert.That(await StoredUnits(), Is.EqualTo(1_000));
    }

    [Test]
    public async Task Event_ids_are_unique_per_vendor_not_across_vendors()
    {
        var a = await Ingest(VendorA, Event("same-id", "sub-m", "antraege", 1, "2026-11-19T10:00:00Z"));
        var b = await Ingest(VendorB, Event("same-id", "sub-p", "buchungen", 1, "2026-11-19T10:00:00Z"));
        Assert.That((a.Events[0].Status, b.Events[0].Status), Is.EqualTo((UsageEventStatus.Accepted, UsageEventStatus.Accepted)));
    }

    [Test]
    public async Task A_vendor_reporting_for_another_vendors_subscription_is_refused()
    {
        // sub-p is a subscription to vendor B's offering; vendor A learns no more than that it does not exist for it.
        var result = await Ingest(VendorA, Event("x1", "sub-p", "buchungen", 5, "2026-11-19T10:00:00Z"));
        Assert.That(result.Events[0].Status, Is.EqualTo(UsageEventStatus.UnknownSubscription));
        Assert.That(await StoredUnits(), Is.Zero);
    }

    [Test]
    public async Task Late_events_are_accepted_until_the_period_is_closed_by_its_billing_run()
    {
        _world.Clock.Now = DateTimeOffset.Parse("2026-12-03T08:00:00Z");
        var late = await Ingest(VendorA, Event("late-1", "sub-m", "antraege", 1, "2026-11-30T22:00:00Z"));   // 23:00 on 30 Nov in Berlin
        Assert.That(late.Events[0].Status, Is.EqualTo(UsageEventStatus.Accepted));

        await _world.Runs.RunAsync(new BillingMonth(2026, 11), Admin);
        var tooLate = await Ingest(VendorA,
            Event("late-2", "sub-m", "antraege", 1, "2026-11-30T22:00:00Z"),
            Event("dec-1", "sub-m", "antraege", 1, "2026-11-30T23:30:00Z"));     // already 1 December in Berlin
        Assert.That(tooLate.Events.Select(e => e.Status), Is.EqualTo(new[] { UsageEventStatus.OutsideOpenPeriod, UsageEventStatus.Accepted }));
    }

    [Test]
    public async Task Usage_is_checked_against_the_plan_booked_at_its_time()
    {
        await _world.SubscribeAsync("sub-n", Nuernberg, Bauantrag,
            new Period("2026-10-01T00:00:00+02:00", "2026-11-10T00:00:00+01:00", "gemeinde"),
            new Period("2026-11-10T00:00:00+01:00", null, "gross"));
        var result = await Ingest(VendorA,
            Event("n1", "sub-n", "antraege", 1, "2026-11-05T10:00:00Z"),
            Event("n2", "sub-n", "antraege", 1, "2026-11-15T10:00:00Z"));
        Assert.That(result.Count(UsageEventStatus.Accepted), Is.EqualTo(2));
    }

    [Test]
    public async Task A_malformed_batch_is_refused_whole_with_the_field_at_fault()
    {
        var tooMany = Enumerable.Range(0, 1_001).Select(i => Event($"e{i}", "sub-m", "antraege", 1, "2026-11-19T10:00:00Z")).ToArray();
        var e1 = await Assert.ThrowsAsync<RequestValidationException>(() => Ingest(VendorA, tooMany));
        Assert.That(e1!.Field, Is.EqualTo("events"));
        var e2 = await Assert.ThrowsAsync<RequestValidationException>(() => Ingest(VendorA,
            Event("ok", "sub-m", "antraege", 1, "2026-11-19T10:00:00Z"), Event("", "sub-m", "antraege", 1, "2026-11-19T10:00:00Z")));
        Assert.That(e2!.Field, Is.EqualTo("events[1].eventId"));
        await Assert.ThrowsAsync<RequestValidationException>(() => Ingest(VendorA));
        Assert.That(await StoredUnits(), Is.Zero);
    }
}
