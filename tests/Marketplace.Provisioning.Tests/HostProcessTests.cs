using Dapper;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// Host processes on one PostgreSQL database: one killed with SIGKILL in the middle of a rollout and started again,
/// and two sharing one rollout. The rollout is created through the service layer in this process.
/// </summary>
[Category("Slow")]
public class HostProcessTests : HostProcessFixture
{
    [SetUp]
    public Task SetUp() => StartAsync(b => { b.LatencyMs = 600; b.RetryAfterSeconds = 1; });

    [Test]
    public async Task A_host_killed_in_the_middle_of_a_rollout_leaves_every_municipality_with_one_instance_and_one_active_subscription()
    {
        // Synchronous broker answers keep jobs running (leased) during the broker call, so the kill catches some mid-call.
        World.Broker.Options.Mode = SampleBroker.BrokerMode.Sync;
        var rollout = await RolloutAsync(brokerLimit: 16);
        var first = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, ShortLeases);
        await using (first)
        {
            var before = await WaitAsync(rollout, p => p.Count(SubscriptionStates.Active) >= 8, TimeSpan.FromSeconds(90), first);
            Assert.That(before.Finished, Is.False, "killed in the middle");
            first.Kill();
        }
        var during = await World.Rollouts.ProgressAsync(rollout);
        TestContext.Out.WriteLine($"killed at {string.Join(", ", during.CountsByState)}");
        Assert.That(during.Count(SubscriptionStates.Provisioning) + during.Count(SubscriptionStates.Requested), Is.GreaterThan(0));

        await using var second = await HostProcess.StartWorkerAsync(World.Database.ConnectionString, ShortLeases);
        var after = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), second);
        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(after);
        var expired = await World.ScalarAsync<long>("SELECT COUNT(*) FROM provisioning_job_attempts WHERE outcome = 'lease-expired'");
        Assert.That(expired, Is.GreaterThan(0), "runs of the killed process were taken over after their lease expired");
    }

    [Test]
    public async Task Two_host_processes_share_one_rollout_and_no_job_runs_twice()
    {
        await using var a = await HostProcess.StartWorkerAsync(World.Database.ConnectionString);
        await using var b = await HostProcess.StartWorkerAsync(World.Database.ConnectionString);
        var rollout = await RolloutAsync(brokerLimit: 16);
        var progress = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), a, b);

        AssertOneInstanceAndOneActiveSubscriptionPerMunicipality(progress);
        Assert.That(World.Broker.State.Stats().ProvisionRequestsPerInstance.Values, Has.All.EqualTo(1), "every provision call was made once");
        await using var c = await World.Database.OpenAsync();
        var attempts = (await c.QueryAsync<JobAttempt>("""
            SELECT job_id AS JobId, run_no AS RunNo, worker_id AS WorkerId, phase AS Phase, started_at AS StartedAt, finished_at AS FinishedAt,
                   outcome AS Outcome, detail AS Detail
            FROM provisioning_job_attempts ORDER BY job_id, run_no
            """)).ToList();
        Assert.That(attempts.Where(x => x.Outcome != "done" && x.Outcome != "continue"), Is.Empty, "no run was lost, retried or taken over");
        foreach (var job in attempts.GroupBy(x => x.JobId))
        {
            var runs = job.ToList();
            for (var i = 1; i < runs.Count; i++)
                Assert.That(runs[i].StartedAt, Is.GreaterThanOrEqualTo(runs[i - 1].FinishedAt!.Value),
                    $"job {job.Key}: run {runs[i].RunNo} started before run {runs[i - 1].RunNo} ended");
        }
        var workers = attempts.Select(x => x.WorkerId).Distinct().ToList();
        TestContext.Out.WriteLine($"runs per process: {string.Join(", ", attempts.GroupBy(x => x.WorkerId).Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.That(workers, Has.Count.EqualTo(2), "both processes took part");
    }

    [Test]
    public async Task Racing_second_jobs_are_refused_while_two_host_processes_share_a_rollout()
    {
        await using var a = await HostProcess.StartWorkerAsync(World.Database.ConnectionString);
        await using var b = await HostProcess.StartWorkerAsync(World.Database.ConnectionString);
        var rollout = await RolloutAsync(brokerLimit: 16);
        var subscriptions = (await World.ScalarListAsync<string>("SELECT subscription_id FROM subscription_provisioning WHERE rollout_id = @rollout",
            new { rollout })).ToList();

        // What a dead-letter retry racing the workers would do: a second job for a subscription whose job is live.
        var refused = 0;
        var accepted = 0;
        for (var round = 0; round < 3; round++)
            foreach (var id in subscriptions.Take(20))
            {
                try
                {
                    await using var work = await Work.BeginAsync(World.Database, World.Get<Audit.AuditTrail>());
                    await World.Jobs.EnqueueAsync(work, new NewJob(JobKinds.Provision, id, "amtsfuchs-software", "request", "{\"actorUserId\":\"u\"}"));
                    await work.CommitAsync();
                    accepted++;
                }
                catch (System.Data.Common.DbException)
                {
                    refused++;
                }
                Assert.That(await World.ScalarAsync<long>("""
                    SELECT COUNT(*) FROM (SELECT subscription_id FROM provisioning_jobs WHERE state IN ('queued', 'running', 'polling')
                                          GROUP BY subscription_id HAVING COUNT(*) > 1) d
                    """), Is.Zero, "no subscription has two live jobs");
            }
        TestContext.Out.WriteLine($"second jobs refused: {refused}, accepted after the first had finished: {accepted}");
        Assert.That(refused, Is.GreaterThan(0), "some raced a live job");

        var progress = await WaitAsync(rollout, p => p.Finished, TimeSpan.FromSeconds(120), a, b);
        Assert.That(progress.Count(SubscriptionStates.Active), Is.EqualTo(Municipalities.Count));
        Assert.That(World.Broker.State.Stats().InstancesPerAgs.Values, Has.All.EqualTo(1), "one instance per municipality");
    }
}
