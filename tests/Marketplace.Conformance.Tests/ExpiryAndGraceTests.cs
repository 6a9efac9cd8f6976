using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Evaluation;
using Marketplace.Conformance.Jobs;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The daily job on a fake clock: evidence expiry, new standard versions after their grace period, notifications, once a day.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class ExpiryAndGraceTests(DatabaseEngine engine)
{
    private const string Offering = "bauantrag-online-nordlicht";
    private Harness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await Harness.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private void SetDay(DateOnly day) => _h.Clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero));

    private async Task<StandardStatus> DsgvoAsync() =>
        (await _h.Lifecycle.OrderabilityAsync(Offering)).Statuses.Single(s => s.StandardId == "dsgvo-avv");

    [Test]
    public async Task Evidence_that_expires_makes_the_required_standard_expired_once()
    {
        // An offering whose only required standard is DSGVO-AVV, so its first expiring evidence decides.
        const string Offering = "abfallportal-tonnenwerk";
        var lastDay = ConformanceEvaluator.Date(await _h.ScalarAsync<string>(
            "SELECT MIN(expires_on) FROM conformance_evidence WHERE offering_id = @Offering AND standard_id = 'dsgvo-avv'", new { Offering }));

        SetDay(lastDay);
        Assert.That(await _h.Job.RunIfDueAsync(), Is.Not.Null);
        Assert.That((await _h.Lifecycle.OrderabilityAsync(Offering)).Orderable, Is.True, "evidence counts through its last day");

        SetDay(lastDay.AddDays(1));
        var result = await _h.Job.RunIfDueAsync();

        Assert.That(result, Is.Not.Null);
        var status = (await _h.Lifecycle.OrderabilityAsync(Offering)).Statuses.Single(s => s.StandardId == "dsgvo-avv");
        Assert.That(status.Status, Is.EqualTo(ConformanceStatuses.Expired));
        Assert.That(status.Reason, Does.Contain($"ist am {ConformanceEvaluator.Day(lastDay)} abgelaufen"));
        var orderability = await _h.Lifecycle.OrderabilityAsync(Offering);
        Assert.That((orderability.Orderable, orderability.Reason), Is.EqualTo((false, "Nicht konform zu: dsgvo-avv (abgelaufen)")));
        Assert.That((await _h.CatalogueAsync()).Offering(Offering)!.Listing.Orderable, Is.False);

        var audited = (await _h.Audit.QueryAsync(new Audit.AuditQuery(ObjectId: Offering, Action: "conformance.status-changed", Limit: 1))).Single();
        Assert.That(audited.ActorUserId, Is.EqualTo("system:conformance-job"));
        Assert.That(audited.AfterJson, Does.Contain("\"standardId\":\"dsgvo-avv\",\"status\":\"expired\""));

        // The day is done: a second run (another instance, a restart) changes nothing.
        var entries = await _h.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log");
        Assert.That(await _h.Job.RunIfDueAsync(), Is.Null);
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log"), Is.EqualTo(entries));
        Assert.That((await _h.Audit.VerifyAsync()).Intact, Is.True);
    }

    [Test]
    public async Task A_new_standard_version_replaces_the_old_one_when_its_grace_period_ends()
    {
        var current = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!.Standards.Single(s => s.Value.Id == "dsgvo-avv").Value.Versions[0];
        await _h.Standards.AddVersionAsync(Harness.Admin, "dsgvo-avv", current with { Version = "2027", PublishedOn = "2026-12-01", GracePeriodDays = 30 });

        SetDay(new DateOnly(2026, 12, 1));
        await _h.Job.RunIfDueAsync();
        var during = await DsgvoAsync();
        Assert.That((during.Status, during.StandardVersion, during.ValidUntil), Is.EqualTo((ConformanceStatuses.Conformant, "2016/679", "2026-12-30")));
        Assert.That((await _h.Lifecycle.OrderabilityAsync(Offering)).Orderable, Is.True);

        SetDay(new DateOnly(2026, 12, 31));
        await _h.Job.RunIfDueAsync();

        var after = await DsgvoAsync();
        Assert.That((after.Status, after.Reason), Is.EqualTo((ConformanceStatuses.Expired, "Version 2016/679 wird seit 2026-12-31 nicht mehr anerkannt; gültig ist Version 2027.")));
        Assert.That((await _h.Lifecycle.OrderabilityAsync(Offering)).Orderable, Is.False);
        var catalogue = await _h.CatalogueAsync();
        Assert.That(catalogue.Offerings.Count(o => o.Listing.Orderable), Is.Zero, "every offering still claims the old version");
    }

    [Test]
    public async Task A_standard_version_is_validated_and_never_changed_once_added()
    {
        var current = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!.Standards.Single(s => s.Value.Id == "dsgvo-avv").Value.Versions[0];

        var existing = await Assert.ThrowsAsync<ConformanceException>(() => _h.Standards.AddVersionAsync(Harness.Admin, "dsgvo-avv", current));
        Assert.That(existing!.Kind, Is.EqualTo(ConformanceErrorKind.Conflict));

        var broken = current with
        {
            Version = "2028", Criteria = [current.Criteria[0] with { Kind = "automated", Evidence = null, Check = new JsonObject { ["type"] = "reifegrad-min" } }],
        };
        var invalid = await Assert.ThrowsAsync<ConformanceException>(() => _h.Standards.AddVersionAsync(Harness.Admin, "dsgvo-avv", broken));
        Assert.That(invalid!.Kind, Is.EqualTo(ConformanceErrorKind.Invalid));
        Assert.That(invalid.Errors.Select(e => e.Field), Does.Contain("/criteria/0/check"));

        Assert.That((await _h.Standards.ListAsync()).Single(s => s.Id == "dsgvo-avv").Versions.Select(v => v.Version), Is.EqualTo(new[] { "2016/679" }));
    }

    [Test]
    public async Task Evidence_counts_no_longer_than_its_criterion_allows_since_issue()
    {
        var e = await _h.Evidence.UploadAsync(Harness.Vendor, "nordlicht-bauportal", Offering, new EvidenceUpload("dsgvo-avv", "2016/679", "tom",
            "Nordlicht Bauportal GmbH", new DateOnly(2026, 3, 1), new DateOnly(2030, 1, 1), "tom.pdf", "application/pdf", [1]));
        Assert.That(e.ExpiresOn, Is.EqualTo("2027-02-28"), "a self-declaration holds 12 months");
        var future = await Assert.ThrowsAsync<ConformanceException>(() => _h.Evidence.UploadAsync(Harness.Vendor, "nordlicht-bauportal", Offering,
            new EvidenceUpload("dsgvo-avv", "2016/679", "tom", "x", new DateOnly(2026, 12, 24), new DateOnly(2027, 12, 24), "tom.pdf", "application/pdf", [1])));
        Assert.That(future!.Errors.Select(x => x.Field), Is.EqualTo(new[] { "issuedOn" }));
    }

    [Test]
    public async Task The_hosted_job_runs_once_a_day_driven_by_the_injected_clock()
    {
        var job = new ConformanceJobService(_h.Job, _h.Clock, Options.Create(new ConformanceOptions { JobPollInterval = TimeSpan.FromHours(1) }),
            NullLogger<ConformanceJobService>.Instance);
        await job.StartAsync(CancellationToken.None);
        try
        {
            await WaitForRunsAsync(1);
            // An hour of fake time per step until the next day's run is done: it polls hourly, but runs once per day. The
            // clock stands while a run is in progress: on a busy machine a run can outlast a day of steps, and the next
            // day's run would then be a third.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await FinishedRunsAsync() < 2)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("the second day's run did not happen");
                if (await _h.ScalarAsync<long>("SELECT COUNT(*) FROM conformance_job_runs WHERE finished_at IS NULL") == 0)
                    _h.Clock.Advance(TimeSpan.FromHours(1));
                await Task.Delay(20);
            }
            Assert.That(_h.Clock.GetUtcNow(), Is.GreaterThanOrEqualTo(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM conformance_job_runs"), Is.EqualTo(2), "one run per day, however often it polls");
            Assert.That(await _h.ScalarAsync<string>("SELECT MAX(run_on) FROM conformance_job_runs"), Is.EqualTo("2026-11-30"));
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits (no timing assertion: a generous deadline only guards against a hang) until the job has run for n days.</summary>
    private async Task WaitForRunsAsync(int runs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await FinishedRunsAsync() < runs)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"the job did not complete run {runs}");
            await Task.Delay(20);
        }
    }

    private Task<long> FinishedRunsAsync() => _h.ScalarAsync<long>("SELECT COUNT(*) FROM conformance_job_runs WHERE finished_at IS NOT NULL");
}
