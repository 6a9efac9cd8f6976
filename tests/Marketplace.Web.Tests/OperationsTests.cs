using System.Net;
using Dapper;
using Marketplace.Billing.Runs;
using Marketplace.Conformance.Jobs;
using Marketplace.Provisioning.Jobs;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// Running several instances: the one Instance:Role setting decides which processes do background work, and the
/// readiness check and the metrics show the state of the job queue.
/// </summary>
// The meters are process-wide: a host beside this one would add its queue gauges to the scrape.
[NonParallelizable]
public class OperationsTests
{
    private static readonly Type[] BackgroundWork = [typeof(ProvisioningWorker), typeof(BillingScheduler), typeof(ConformanceJobService)];

    private static async Task<List<Type>> BackgroundWorkOfAsync(string? role)
    {
        var settings = new Dictionary<string, string?> { ["Conformance:RunDailyJob"] = "true" };
        if (role is not null) settings[InstanceRoles.Key] = role;
        await using var host = await MarketplaceFactory.CreateAsync(DatabaseEngine.Sqlite, settings);
        return host.Services.GetServices<IHostedService>().Select(s => s.GetType()).Where(BackgroundWork.Contains).ToList();
    }

    [Test]
    public async Task A_web_instance_runs_no_background_work_and_a_worker_runs_all_of_it()
    {
        Assert.That(await BackgroundWorkOfAsync("web"), Is.Empty);
        Assert.That(await BackgroundWorkOfAsync("worker"), Is.EquivalentTo(BackgroundWork));
        Assert.That(await BackgroundWorkOfAsync(null), Is.EquivalentTo(BackgroundWork), "both, the embedded default");
    }

    [Test]
    public async Task An_unknown_role_stops_the_start_with_the_setting_named()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var host = await MarketplaceFactory.CreateAsync(DatabaseEngine.Sqlite, new Dictionary<string, string?> { [InstanceRoles.Key] = "everything" });
        });
        Assert.That(e!.Message, Does.Contain("Instance:Role"));
    }

    [Test]
    public async Task Readiness_and_metrics_show_a_job_queue_that_does_not_move()
    {
        // A web instance: no worker here takes the job, as when every worker is down.
        await using var host = await MarketplaceFactory.CreateAsync(DatabaseEngine.Sqlite, new Dictionary<string, string?> { [InstanceRoles.Key] = "web" });
        var client = host.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));

        var now = host.Clock.GetUtcNow();
        await using (var c = await host.Database.Database.OpenAsync())
        {
            var offering = await c.QueryFirstAsync<(string Id, string Vendor)>("SELECT id AS Id, vendor_id AS Vendor FROM offerings ORDER BY id");
            var created = StoredTimestamp.Format(now.AddMinutes(-20));
            await c.ExecuteAsync("""
                INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
                VALUES ('sub-ops', '09162000', @Id, @Vendor, 'standard', 'requested', @created, @created)
                """, new { offering.Id, offering.Vendor, created });
            await c.ExecuteAsync("""
                INSERT INTO provisioning_jobs (id, kind, subscription_id, broker_key, state, phase, payload_json, run_at, runs, failures, max_failures, created_at)
                VALUES ('job-ops', 'provision', 'sub-ops', @Vendor, 'queued', 'start', '{}', @created, 0, 0, 6, @created)
                """, new { offering.Vendor, created });
        }

        ready = await client.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), "degraded still serves: the web instances are fine, the queue is not");
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Degraded"));
        var monitor = host.Services.GetRequiredService<JobQueueMonitor>();
        var snapshot = await monitor.RefreshAsync();
        Assert.That(snapshot.OldestDueAge, Is.EqualTo(TimeSpan.FromMinutes(20)));
        Assert.That(snapshot.JobsByState["queued"], Is.EqualTo(1));

        var metrics = await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.That(metrics, Does.Contain("marketplace_jobs_queue_age"));
        Assert.That(metrics, Does.Match("marketplace_jobs[^\\n]*state=\"queued\"[^\\n]* 1"));
    }
}
