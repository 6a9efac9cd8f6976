using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.SampleBroker;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>Every broker answer path against the sample broker, including orphan mitigation, on every engine.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BrokerAnswerPathTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;
    private BrokerState Broker => _world.Broker.State;

    [SetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<(string Subscription, string Instance)> OrderAndDrainAsync()
    {
        var id = await _world.OrderFundbueroAsync();
        await _world.DrainAsync();
        return (id, await _world.InstanceIdAsync(id));
    }

    /// <summary>The request timeout of a world on a fake clock: long, so that only a test moving the clock on purpose reaches it.</summary>
    private static readonly TimeSpan FakeClockRequestTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Replaces the world by one whose jobs, backoffs and broker request deadlines run on a fake clock.</summary>
    private async Task<FakeTimeProvider> OnFakeClockAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await _world.DisposeAsync();
        _world = await ProvisioningWorld.CreateAsync(engine, clock: clock,
            settings: new() { ["Provisioning:BrokerRequestTimeout"] = FakeClockRequestTimeout.ToString("c", CultureInfo.InvariantCulture) });
        return clock;
    }

    /// <summary>
    /// Runs the one due job; once the broker holds its provision request (the instance exists, no answer yet) the clock
    /// moves on by <paramref name="advance"/>, then the run is awaited.
    /// </summary>
    private async Task RunFirstJobWhileTheBrokerHoldsItAsync(FakeTimeProvider clock, TimeSpan advance)
    {
        var job = (await _world.Jobs.ClaimAsync("test-worker", 1)).Single();
        var run = _world.Get<JobRunner>().RunAsync(job, CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Broker.Instances.IsEmpty && !run.IsCompleted)
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the provision request never reached the broker");
            await Task.Delay(10);
        }
        clock.Advance(advance);
        await run;
    }

    [Test]
    public async Task Asynchronous_provisioning_polls_last_operation_until_the_instance_is_active()
    {
        var (id, instance) = await OrderAndDrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Instances[instance].State, Is.EqualTo("ready"));
        var view = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That(view.Timeline.Select(e => e.ToState).OfType<string>(),
            Is.EqualTo(new[] { SubscriptionStates.Requested, SubscriptionStates.Provisioning, SubscriptionStates.Active }));
        Assert.That(view.DashboardUrl, Does.EndWith("/dashboard/" + instance));
    }

    [TestCase("javascript:alert(document.cookie)", true)]
    [TestCase("data:text/html,<script>alert(1)</script>", true)]
    [TestCase("/relative/dashboard", true)]
    [TestCase("http://kiel.broker.example/dashboard", false)]
    public async Task A_dashboard_link_that_is_not_https_is_not_stored(string dashboard, bool allowHttp)
    {
        await _world.DisposeAsync();
        _world = await ProvisioningWorld.CreateAsync(engine, o => o.DashboardUrl = dashboard,
            new() { ["Provisioning:AllowHttpDashboardUrls"] = allowHttp ? "true" : "false" });
        var (id, _) = await OrderAndDrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active), "the instance works; only its link is dropped");
        Assert.That((await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id)).DashboardUrl, Is.Null);
    }

    [Test]
    public async Task An_https_dashboard_link_is_stored()
    {
        await _world.DisposeAsync();
        _world = await ProvisioningWorld.CreateAsync(engine, o => o.DashboardUrl = "https://kiel.broker.example/dashboard",
            new() { ["Provisioning:AllowHttpDashboardUrls"] = "false" });
        var (id, _) = await OrderAndDrainAsync();
        Assert.That((await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id)).DashboardUrl, Is.EqualTo("https://kiel.broker.example/dashboard"));
    }

    [Test]
    public async Task Synchronous_provisioning_activates_from_the_first_answer()
    {
        _world.Broker.Options.Mode = BrokerMode.Sync;
        var (id, _) = await OrderAndDrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var jobs = await _world.Jobs.JobsOfSubscriptionAsync(id);
        Assert.That((await _world.Jobs.AttemptsAsync(jobs.Single().Id)).Select(a => a.Phase), Is.EqualTo(new[] { "request" }));
    }

    [Test]
    public async Task The_broker_receives_parameters_context_and_the_identity_headers()
    {
        var (_, instance) = await OrderAndDrainAsync();
        var i = Broker.Instances[instance];
        Assert.That(JsonNode.Parse(i.ParametersJson)!["behoerde"]!.GetValue<string>(), Is.EqualTo("Fundbüro Kiel"));
        Assert.That(JsonNode.Parse(i.ParametersJson)!["aufbewahrungMonate"]!.GetValue<int>(), Is.EqualTo(6), "schema default");
        Assert.That(i.Context!["ags"]!.GetValue<string>(), Is.EqualTo(ProvisioningWorld.Kiel));
        Assert.That(i.Context["municipality_name"]!.GetValue<string>(), Does.StartWith("Kiel"));
        Assert.That(i.Context["land"]!.GetValue<string>(), Is.EqualTo("SH"));
        Assert.That(i.Context["platform"]!.GetValue<string>(), Is.EqualTo("ozg-marketplace"));
        var identity = i.LastOriginatingIdentity!.Split(' ');
        Assert.That(identity[0], Is.EqualTo("ozg-marketplace"));
        Assert.That(JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(identity[1])))!["user_id"]!.GetValue<string>(), Is.EqualTo(ProvisioningWorld.Buyer));
        Assert.That(Guid.TryParse(i.LastRequestIdentity, out _), Is.True);
    }

    [Test]
    public async Task Provisioning_sends_the_required_organization_and_space_guids_and_the_offerings_api_version()
    {
        var (_, instance) = await OrderAndDrainAsync();
        var i = Broker.Instances[instance];
        // Stable, documented values: name-based UUIDs of the municipality's AGS.
        Assert.That(i.OrganizationGuid, Is.EqualTo(PlatformIdentifiers.OrganizationGuid(ProvisioningWorld.Kiel)));
        Assert.That(i.SpaceGuid, Is.EqualTo(PlatformIdentifiers.SpaceGuid(ProvisioningWorld.Kiel)));
        Assert.That(i.Context!["organization_guid"]!.GetValue<string>(), Is.EqualTo(i.OrganizationGuid));
        Assert.That(i.Context["space_guid"]!.GetValue<string>(), Is.EqualTo(i.SpaceGuid));
        // fundbuero-amtsfuchs claims open-service-broker 2.15: the broker is asked in that version.
        Assert.That(i.LastApiVersion, Is.EqualTo("2.15"));
    }

    [Test]
    public async Task The_strict_broker_refuses_a_provision_without_organization_guid_and_a_reused_instance_id()
    {
        using var http = new HttpClient { BaseAddress = _world.Broker.BaseAddress };
        HttpRequestMessage Put(string id, JsonObject body)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"v2/service_instances/{id}?accepts_incomplete=true") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Add("X-Broker-API-Version", "2.17");
            request.Headers.Add("X-Broker-API-Request-Identity", Guid.NewGuid().ToString());
            return request;
        }
        var (id, instance) = await OrderAndDrainAsync();
        var known = Broker.Instances[instance];
        JsonObject Body(bool withOrganization) => new()
        {
            ["service_id"] = known.ServiceId, ["plan_id"] = known.PlanId, ["space_guid"] = "s",
            ["organization_guid"] = withOrganization ? "o" : "",
        };

        using var missing = await http.SendAsync(Put(Guid.NewGuid().ToString(), Body(false)));
        Assert.That((int)missing.StatusCode, Is.EqualTo(400));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("organization_guid"));

        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        using var reused = await http.SendAsync(Put(instance, Body(true)));
        Assert.That((int)reused.StatusCode, Is.EqualTo(400));
        Assert.That(await reused.Content.ReadAsStringAsync(), Does.Contain("reused"));

        var noIdentity = Put(Guid.NewGuid().ToString(), Body(true));
        noIdentity.Headers.Remove("X-Broker-API-Request-Identity");
        using var anonymous = await http.SendAsync(noIdentity);
        Assert.That((int)anonymous.StatusCode, Is.EqualTo(400), "every request carries X-Broker-API-Request-Identity");
    }

    [TestCase("500")]
    [TestCase("timeout")]
    [TestCase("malformed")]
    public async Task A_failed_provisioning_that_may_have_created_an_instance_is_mitigated_and_retried(string fault)
    {
        string id, instance;
        if (fault == "timeout")
        {
            // The broker creates the instance and never answers; the request timeout runs on the fake clock.
            var clock = await OnFakeClockAsync();
            Broker.AddFault(new FaultRule { Operation = "provision", Kind = fault, Times = 1, DelayMs = Timeout.Infinite });
            id = await _world.OrderFundbueroAsync();
            await RunFirstJobWhileTheBrokerHoldsItAsync(clock, FakeClockRequestTimeout);
            await _world.DrainOnClockAsync(clock);
            instance = await _world.InstanceIdAsync(id);
        }
        else
        {
            Broker.AddFault(new FaultRule { Operation = "provision", Kind = fault, Times = 1 });
            (id, instance) = await OrderAndDrainAsync();
        }

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        // A slow machine may deliver the timed-out PUT after the mitigating DELETE: then the retry finds that instance and
        // keeps it. Either way one instance is left, and every instance created beyond it was deleted.
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { instance }));
        Assert.That(Broker.Stats().Created - Broker.Stats().Deleted, Is.EqualTo(1));
        if (fault != "timeout") Assert.That(Broker.Stats().Deleted, Is.EqualTo(1), "orphan mitigation deleted what the failed request created");
        // The strict broker refuses reused ids (the subscription would have failed): after a confirmed deletion the retry
        // asked with a new one. Only a 410 (the broker never had it) lets the same id be asked again.
        Assert.That(Broker.Deleted.Keys, Does.Not.Contain(instance));
        if (Broker.Stats().Deleted > 0) Assert.That(await _world.InstanceIdAsync(id), Is.Not.EqualTo(Broker.Deleted.Keys.First()));
        var timeline = (await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id)).Timeline.Select(e => e.Kind).ToList();
        Assert.That(timeline, Does.Contain("orphan-mitigation").And.Contain("orphan-mitigated"));
    }

    [Test]
    public async Task A_failed_asynchronous_provisioning_is_mitigated_and_the_subscription_fails_with_the_brokers_reason()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "fail-async" });
        var (id, instance) = await OrderAndDrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        Assert.That(Broker.Instances.ContainsKey(instance), Is.False, "orphan mitigation deleted the failed instance");
        var view = await _world.Subscriptions.GetForVendorAsync("amtsfuchs-software", id);
        Assert.That(view.FailureReason, Does.Contain("injected: provisioning failed"));

        await _world.Subscriptions.RetryAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
    }

    [TestCase("409", "409")]
    [TestCase("400", "400")]
    [TestCase("422", "MaintenanceInfoConflict")]
    public async Task A_rejected_provisioning_fails_without_orphan_mitigation(string fault, string reason)
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = fault, CreateFirst = false });
        var (id, _) = await OrderAndDrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        Assert.That((await _world.Subscriptions.GetForVendorAsync("amtsfuchs-software", id)).FailureReason, Does.Contain(reason));
        Assert.That(Broker.Stats().Deleted, Is.EqualTo(0));
        Assert.That(Broker.Instances, Is.Empty);
    }

    [TestCase("422", "ConcurrencyError")]
    [TestCase("408", null)]
    [TestCase("429", null)]
    public async Task A_transient_refusal_is_retried_with_backoff(string fault, string? code)
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = fault, ErrorCode = code, Times = 2, CreateFirst = false });
        var (id, _) = await OrderAndDrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var job = (await _world.Jobs.JobsOfSubscriptionAsync(id)).Single();
        var attempts = await _world.Jobs.AttemptsAsync(job.Id);
        Assert.That(attempts.Count(a => a.Outcome == "retry"), Is.EqualTo(2));
        Assert.That(Broker.Stats().Deleted, Is.EqualTo(0));
    }

    [Test]
    public async Task Retries_exhausted_send_the_job_to_the_dead_letter_and_a_manual_retry_finishes_it()
    {
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "422", ErrorCode = "ConcurrencyError", Times = 4, CreateFirst = false });
        var (id, _) = await OrderAndDrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        var dead = await _world.Jobs.DeadLetterAsync();
        Assert.That(dead.Select(j => j.SubscriptionId), Is.EqualTo(new[] { id }));

        await _world.Subscriptions.RetryAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(await _world.Jobs.DeadLetterAsync(), Is.Empty);
    }

    [Test]
    public async Task A_broker_that_refuses_connections_is_retried_then_dead_lettered_and_a_manual_retry_finishes_it()
    {
        var id = await _world.OrderFundbueroAsync();
        await _world.StopBrokerAsync();
        await _world.DrainAsync();

        // Nothing reached the broker, so there is nothing to mitigate: retries with backoff, then the dead letter.
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        var job = (await _world.Jobs.DeadLetterAsync()).Single();
        Assert.That(job.SubscriptionId, Is.EqualTo(id));
        var attempts = await _world.Jobs.AttemptsAsync(job.Id);
        Assert.That(attempts.Select(a => a.Outcome), Is.EqualTo(new[] { "retry", "retry", "retry", "dead" }));
        Assert.That(job.LastError, Does.Contain("not reachable"));
        Assert.That((await _world.Subscriptions.GetForVendorAsync("amtsfuchs-software", id)).FailureReason, Does.Contain("not reachable"));

        await _world.StartBrokerAgainAsync();
        await _world.Subscriptions.RetryAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { await _world.InstanceIdAsync(id) }));
        Assert.That(Broker.Stats().Deleted, Is.Zero);
    }

    [Test]
    public async Task A_slow_answer_within_the_request_timeout_is_taken_as_it_is()
    {
        var clock = await OnFakeClockAsync();
        _world.Broker.Options.Mode = BrokerMode.Sync;
        // The "timeout" fault answers 201 after its delay; while the broker holds the request the clock moves on to just
        // before the request timeout: slow, but inside it.
        Broker.AddFault(new FaultRule { Operation = "provision", Kind = "timeout", DelayMs = 1_000, Times = 1 });
        var id = await _world.OrderFundbueroAsync();
        await RunFirstJobWhileTheBrokerHoldsItAsync(clock, FakeClockRequestTimeout - TimeSpan.FromSeconds(1));
        await _world.DrainOnClockAsync(clock);
        var instance = await _world.InstanceIdAsync(id);

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var attempts = await _world.Jobs.AttemptsAsync((await _world.Jobs.JobsOfSubscriptionAsync(id)).Single().Id);
        Assert.That(attempts.Select(a => a.Outcome), Is.EqualTo(new[] { "done" }), "one call, no retry, no mitigation");
        Assert.That(Broker.Instances.Keys, Is.EqualTo(new[] { instance }));
        Assert.That(Broker.Stats().Deleted, Is.Zero);
    }

    [Test]
    public async Task Polling_honours_the_brokers_retry_after()
    {
        _world.Broker.Options.RetryAfterSeconds = 30;
        _world.Broker.Options.LatencyMs = 60_000;
        var id = await _world.OrderFundbueroAsync();
        var runner = _world.Get<JobRunner>();
        // Before the PUT: the 202 may carry the Retry-After already, and a busy machine may take a second to the first poll.
        var before = DateTimeOffset.UtcNow;
        foreach (var job in await _world.Jobs.ClaimAsync("w", 10)) await runner.RunAsync(job, CancellationToken.None); // PUT: 202
        await Task.Delay(100);
        foreach (var job in await _world.Jobs.ClaimAsync("w", 10)) await runner.RunAsync(job, CancellationToken.None); // first poll

        var polling = (await _world.Jobs.JobsOfSubscriptionAsync(id)).Single();
        Assert.That(polling.State, Is.EqualTo(JobStates.Polling));
        Assert.That(polling.RunAt, Is.GreaterThanOrEqualTo(before.AddSeconds(29)), "next poll after Retry-After");
        Assert.That(await _world.Jobs.ClaimAsync("w", 10), Is.Empty, "not polled before Retry-After");
    }

    [Test]
    public async Task Polling_stops_at_the_plans_maximum_polling_duration_and_mitigates()
    {
        // On a fake clock the broker's Retry-After takes the second poll past the plan's limit without waiting for it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var world = await ProvisioningWorld.CreateAsync(engine,
            b => { b.LatencyMs = 60_000; b.MaximumPollingDurationSeconds = 1; b.RetryAfterSeconds = 1; }, clock: clock);
        var id = await world.OrderFundbueroAsync();
        await world.DrainOnClockAsync(clock);

        Assert.That(await world.StateAsync(id), Is.EqualTo(SubscriptionStates.Failed));
        Assert.That((await world.Subscriptions.GetForVendorAsync("amtsfuchs-software", id)).FailureReason, Does.Contain("Abfragedauer"));
        Assert.That(world.Broker.State.Instances, Is.Empty, "the instance still being created was deleted");
    }

    [Test]
    public async Task A_plan_change_patches_with_previous_values_and_starts_a_new_billing_period()
    {
        var (id, instance) = await OrderAndDrainAsync();
        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, ["versteigerung"], null));
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Updating));
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var periods = await _world.ScalarAsync<long>("SELECT COUNT(*) FROM subscription_billing_periods WHERE subscription_id = @id", new { id });
        var open = await _world.ScalarAsync<string>("SELECT addon_ids FROM subscription_billing_periods WHERE subscription_id = @id AND valid_to IS NULL", new { id });
        Assert.That((periods, open), Is.EqualTo((2L, "versteigerung")));
        Assert.That(_world.Broker.State.Instances[instance].State, Is.EqualTo("ready"));
    }

    [Test]
    public async Task A_broker_error_on_update_is_retried_without_orphan_mitigation()
    {
        var (id, _) = await OrderAndDrainAsync();
        Broker.AddFault(new FaultRule { Operation = "update", Kind = "503", Times = 1 });
        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id,
            new ChangeRequest(null, null, ProvisioningWorld.FundbueroConfig("Fundbüro der Landeshauptstadt")));
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Stats().Deleted, Is.EqualTo(0));
        var instance = await _world.InstanceIdAsync(id);
        Assert.That(JsonNode.Parse(Broker.Instances[instance].ParametersJson)!["behoerde"]!.GetValue<string>(), Is.EqualTo("Fundbüro der Landeshauptstadt"));
    }

    [Test]
    public async Task A_rejected_update_leaves_the_subscription_active_with_the_reason_on_the_timeline()
    {
        var (id, _) = await OrderAndDrainAsync();
        Broker.AddFault(new FaultRule { Operation = "update", Kind = "400" });
        await _world.Subscriptions.ChangeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id, new ChangeRequest(null, ["versteigerung"], null));
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        var view = await _world.Subscriptions.GetAsync(ProvisioningWorld.Kiel, id);
        Assert.That(view.AddOnIds, Is.Empty);
        Assert.That(view.Timeline.Last().Kind, Is.EqualTo("update-rejected"));
    }

    [Test]
    public async Task Suspending_and_resuming_go_through_the_broker()
    {
        var (id, instance) = await OrderAndDrainAsync();
        await _world.Subscriptions.SuspendAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Suspended));
        Assert.That(Broker.Instances[instance].Context!["suspended"]?.GetValue<bool>(), Is.True);

        await _world.Subscriptions.ResumeAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Active));
        Assert.That(Broker.Instances[instance].Context!["suspended"], Is.Null);
    }

    [TestCase(BrokerMode.Async)]
    [TestCase(BrokerMode.Sync)]
    public async Task Cancelling_deletes_the_instance_and_ends_the_billing_period(BrokerMode mode)
    {
        _world.Broker.Options.Mode = mode;
        var (id, instance) = await OrderAndDrainAsync();
        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();

        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That(Broker.Instances.ContainsKey(instance), Is.False);
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM subscription_billing_periods WHERE subscription_id = @id AND valid_to IS NULL", new { id }), Is.Zero);
    }

    [Test]
    public async Task Cancelling_an_instance_the_broker_no_longer_has_succeeds_on_410()
    {
        var (id, instance) = await OrderAndDrainAsync();
        Broker.Instances.TryRemove(instance, out _);
        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
    }

    [Test]
    public async Task A_broker_error_on_delete_is_retried_until_the_instance_is_gone()
    {
        var (id, instance) = await OrderAndDrainAsync();
        Broker.AddFault(new FaultRule { Operation = "deprovision", Kind = "500", Times = 2 });
        await _world.Subscriptions.CancelAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, id);
        await _world.DrainAsync();
        Assert.That(await _world.StateAsync(id), Is.EqualTo(SubscriptionStates.Cancelled));
        Assert.That(Broker.Instances.ContainsKey(instance), Is.False);
    }

    [Test]
    public async Task Setup_fees_fall_due_when_the_subscription_first_becomes_active()
    {
        var result = await _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer, "melde",
            new Orders.OrderRequest(ProvisioningWorld.Meldeportal, "standard", ["epayment"], ProvisioningWorld.MeldeportalConfig()));
        var id = result.Order.SubscriptionIds.Single();
        Assert.That(await _world.ScalarAsync<string?>("SELECT due_at FROM subscription_setup_fees WHERE subscription_id = @id", new { id }), Is.Null);
        await _world.DrainAsync();
        Assert.That(await _world.ScalarAsync<string?>("SELECT due_at FROM subscription_setup_fees WHERE subscription_id = @id AND extra_id = 'onboarding'", new { id }),
            Is.Not.Null);
        Assert.That(await _world.ScalarAsync<string>("SELECT addon_ids FROM subscription_billing_periods WHERE subscription_id = @id", new { id }), Is.EqualTo("epayment"));
    }
}
