using Marketplace.Kernel;
using Dapper;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>Claiming, leases, backoff, dead letter and the per-broker limit, on a fake clock.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class JobStoreTests(DatabaseEngine engine)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private ProvisioningWorld _world = null!;
    private FakeTimeProvider _clock = null!;
    private string _subscription = null!;
    private JobStore Jobs => _world.Jobs;

    [SetUp]
    public async Task SetUp()
    {
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _world = await ProvisioningWorld.CreateAsync(engine, settings: new()
        {
            ["Provisioning:LeaseDuration"] = "00:00:30", ["Provisioning:BaseBackoff"] = "00:00:01", ["Provisioning:MaxBackoff"] = "00:00:08",
            ["Provisioning:MaxFailures"] = "5",
        }, clock: _clock);
        // An order waiting for approval: a subscription without jobs, which the tests give jobs of their own.
        await _world.Orders.SetApprovalThresholdAsync(ProvisioningWorld.Kiel, "u", 0);
        var order = await _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, "u", "k", new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [],
            ProvisioningWorld.FundbueroConfig()));
        _subscription = order.Order.SubscriptionIds.Single();
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    /// <summary>A job for a subscription of its own (a subscription has at most one live job): the first for the ordered one, then copies for other municipalities.</summary>
    private async Task<string> EnqueueAsync(string broker = "amtsfuchs-software")
    {
        var subscription = _enqueued++ == 0 ? _subscription : await CopySubscriptionAsync();
        return await EnqueueForAsync(subscription, broker);
    }

    private int _enqueued;

    private async Task<string> EnqueueForAsync(string subscription, string broker = "amtsfuchs-software")
    {
        await using var work = await Work.BeginAsync(_world.Database, _world.Get<Audit.AuditTrail>());
        await Jobs.EnsureBrokerAsync(work, broker);
        var id = await Jobs.EnqueueAsync(work, new NewJob(JobKinds.Provision, subscription, broker, "request", "{\"actorUserId\":\"u\"}"));
        await work.CommitAsync();
        return id;
    }

    private async Task<string> CopySubscriptionAsync()
    {
        var id = Guid.NewGuid().ToString();
        await using var c = await _world.Database.OpenAsync();
        var ags = await c.ExecuteScalarAsync<string>("""
            SELECT MIN(m.ags) FROM municipalities m
            WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.municipality_ags = m.ags AND s.offering_id = @offering)
            """, new { offering = ProvisioningWorld.Fundbuero });
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            SELECT @id, @ags, offering_id, vendor_id, plan_id, state, created_at, updated_at FROM subscriptions WHERE id = @from
            """, new { id, ags, from = _subscription });
        return id;
    }

    private async Task SetLimitAsync(string broker, int limit)
    {
        await using var c = await _world.Database.OpenAsync();
        await c.ExecuteAsync("UPDATE vendor_brokers SET max_concurrency = @limit WHERE vendor_id = @broker", new { broker, limit });
    }

    [Test]
    public async Task A_leased_job_is_claimed_by_no_one_else_until_the_lease_expires()
    {
        var id = await EnqueueAsync();
        var first = (await Jobs.ClaimAsync("w1", 10)).Single();
        Assert.That(await Jobs.ClaimAsync("w2", 10), Is.Empty);

        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = (await Jobs.ClaimAsync("w2", 10)).Single();
        Assert.That(second.Id, Is.EqualTo(id));

        Assert.That(await Jobs.FinishAsync(first, new JobResult.Done("late")), Is.False, "the first process lost its lease");
        Assert.That(await Jobs.FinishAsync(second, new JobResult.Done("ok")), Is.True);
        var attempts = await Jobs.AttemptsAsync(id);
        Assert.That(attempts.Select(a => (a.WorkerId, a.Outcome)), Is.EqualTo(new[] { ("w1", "lease-expired"), ("w2", "done") }));
    }

    [Test]
    public async Task Renewed_leases_keep_a_long_run_with_its_process()
    {
        await EnqueueAsync();
        var claimed = (await Jobs.ClaimAsync("w1", 10)).Single();
        _clock.Advance(Lease * 0.8);
        Assert.That(await Jobs.RenewLeasesAsync("w1", [claimed.Id]), Is.EqualTo(1));
        _clock.Advance(Lease * 0.5);
        Assert.That(await Jobs.ClaimAsync("w2", 10), Is.Empty);
        Assert.That(await Jobs.FinishAsync(claimed, new JobResult.Done("ok")), Is.True);
    }

    [Test]
    public async Task Failures_back_off_exponentially_with_jitter_and_end_in_the_dead_letter()
    {
        var id = await EnqueueAsync();
        var delays = new List<TimeSpan>();
        for (var failure = 1; failure <= 5; failure++)
        {
            var claimed = (await Jobs.ClaimAsync("w", 10)).Single();
            Assert.That(await Jobs.FinishAsync(claimed, new JobResult.Retry("boom")), Is.True);
            var job = (await Jobs.GetAsync(id))!;
            if (failure == 5)
            {
                Assert.That(job.State, Is.EqualTo(JobStates.Dead));
                break;
            }
            var delay = job.RunAt - _clock.GetUtcNow();
            delays.Add(delay);
            var ceiling = TimeSpan.FromSeconds(Math.Min(8, Math.Pow(2, failure - 1)));
            Assert.That(delay, Is.InRange(ceiling / 2, ceiling), $"failure {failure}");
            Assert.That(await Jobs.ClaimAsync("w", 10), Is.Empty, "not before the backoff");
            _clock.Advance(delay);
        }
        Assert.That(await Jobs.DeadLetterAsync(), Has.Count.EqualTo(1));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.That(await Jobs.ClaimAsync("w", 10), Is.Empty, "dead jobs are not retried by themselves");

        await using (var work = await Work.BeginAsync(_world.Database, _world.Get<Audit.AuditTrail>()))
        {
            Assert.That(await Jobs.RequeueAsync(work, (await Jobs.GetAsync(id))!, "operator"), Is.True);
            await work.CommitAsync();
        }
        var retried = (await Jobs.ClaimAsync("w", 10)).Single();
        Assert.That((retried.Job.Failures, retried.Job.Phase), Is.EqualTo((0L, "request")));
        Assert.That((await Jobs.AttemptsAsync(id)).Count, Is.EqualTo(6), "the attempt history is kept");
    }

    [Test]
    public async Task A_broker_gets_no_more_jobs_at_once_than_its_vendor_allows()
    {
        for (var i = 0; i < 5; i++) await EnqueueAsync();
        await EnqueueAsync("komuna-digital");
        await SetLimitAsync("amtsfuchs-software", 2);

        var claimed = await Jobs.ClaimAsync("w", 10);
        Assert.That(claimed.Count(j => j.Job.BrokerKey == "amtsfuchs-software"), Is.EqualTo(2));
        Assert.That(claimed.Count(j => j.Job.BrokerKey == "komuna-digital"), Is.EqualTo(1), "another broker is not held up");
        Assert.That(await Jobs.ClaimAsync("w", 10), Is.Empty);

        // A job waiting for its next poll keeps its slot: the broker is still working on it.
        var amtsfuchs = claimed.Where(j => j.Job.BrokerKey == "amtsfuchs-software").ToList();
        await Jobs.FinishAsync(amtsfuchs[0], new JobResult.Continue("202", "poll", "{\"actorUserId\":\"u\"}", _clock.GetUtcNow().AddSeconds(5), HoldsSlot: true));
        Assert.That(await Jobs.ClaimAsync("w", 10), Is.Empty);
        await Jobs.FinishAsync(amtsfuchs[1], new JobResult.Done("ok"));
        Assert.That((await Jobs.ClaimAsync("w", 10)).Single().Job.Phase, Is.EqualTo("request"));

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That((await Jobs.ClaimAsync("w", 10)).Single().Job.Phase, Is.EqualTo("poll"), "a due poll needs no new slot");
    }

    [Test]
    public async Task Concurrent_claimers_never_get_the_same_job()
    {
        for (var i = 0; i < 40; i++) await EnqueueAsync();
        await SetLimitAsync("amtsfuchs-software", 100);
        // Claimers that find the broker row locked by another get nothing that round, so each keeps claiming until
        // all forty are out (bounded), rather than for a fixed number of rounds that a slow machine may not drain in.
        var claimed = 0;
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var round = 0; round < 2_000 && Volatile.Read(ref claimed) < 40; round++)
            {
                var got = (await Jobs.ClaimAsync($"w{w}", 3)).Select(j => j.Id).ToList();
                mine.AddRange(got);
                Interlocked.Add(ref claimed, got.Count);
            }
            return mine;
        })));
        var all = batches.SelectMany(b => b).ToList();
        Assert.That(all, Has.Count.EqualTo(40));
        Assert.That(all.Distinct().Count(), Is.EqualTo(40));
    }

    [Test]
    public async Task Leases_are_renewed_only_for_jobs_the_process_still_runs()
    {
        var kept = await EnqueueAsync();
        var abandoned = await EnqueueAsync();
        var claimed = await Jobs.ClaimAsync("w1", 10);
        Assert.That(claimed.Select(j => j.Id), Is.EquivalentTo(new[] { kept, abandoned }));

        // The run of the second ended without a stored result: the heartbeat names only the first.
        _clock.Advance(Lease * 0.8);
        Assert.That(await Jobs.RenewLeasesAsync("w1", [kept]), Is.EqualTo(1));
        _clock.Advance(Lease * 0.5);
        Assert.That((await Jobs.ClaimAsync("w2", 10)).Select(j => j.Id), Is.EqualTo(new[] { abandoned }), "its lease ran out and another process took it over");
    }

    [Test]
    public async Task A_run_whose_result_cannot_be_stored_ends_in_the_dead_letter_with_the_reason()
    {
        var id = await EnqueueAsync();
        var claimed = (await Jobs.ClaimAsync("w1", 10)).Single();
        var stored = await Jobs.FinishAsync(claimed, new JobResult.Done("ok") { Effects = _ => throw new ConflictException("subscription is cancelled, not provisioning") })
            .ContinueWith(t => t.Exception is null);
        Assert.That(stored, Is.False);

        Assert.That(await Jobs.EndUnstorableAsync(claimed, "subscription is cancelled, not provisioning"), Is.True);
        var job = (await Jobs.GetAsync(id))!;
        Assert.That((job.State, job.LeaseOwner), Is.EqualTo((JobStates.Dead, (string?)null)));
        Assert.That(job.LastError, Does.Contain("could not be stored").And.Contain("cancelled"));
        Assert.That((await Jobs.AttemptsAsync(id)).Single().Outcome, Is.EqualTo("dead"));
        _clock.Advance(Lease * 2);
        Assert.That(await Jobs.ClaimAsync("w2", 10), Is.Empty, "it does not run again by itself");
    }

    [Test]
    public async Task The_database_refuses_a_second_live_job_for_one_subscription()
    {
        await EnqueueForAsync(_subscription);
        Assert.That(async () => await EnqueueForAsync(_subscription), Throws.InstanceOf<System.Data.Common.DbException>());

        // Concurrent starters: exactly one wins, whatever the engine's locking.
        var other = await CopySubscriptionAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try { await EnqueueForAsync(other); return true; }
            catch (System.Data.Common.DbException) { return false; }
        })));
        Assert.That(outcomes.Count(o => o), Is.EqualTo(1));
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_jobs WHERE subscription_id = @other AND state IN ('queued', 'running', 'polling')",
            new { other }), Is.EqualTo(1));
    }
}
