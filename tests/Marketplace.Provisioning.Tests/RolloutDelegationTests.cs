using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>A bundler's rollout acts on each municipality's delegation at the time of the action: progress, retry and pending provisioning.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class RolloutDelegationTests(DatabaseEngine engine)
{
    private const string Bundler = "org-bundler-sh";
    private ProvisioningWorld _world = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await ProvisioningWorld.CreateAsync(engine);
        await using var c = await _world.Database.OpenAsync();
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        await c.ExecuteAsync("INSERT INTO organisations (id, kind, name, land_code, created_at, updated_at) VALUES (@Bundler, 'bundler', 'Dataport', '01', @now, @now)",
            new { Bundler, now });
        foreach (var ags in new[] { ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck })
        {
            await c.ExecuteAsync("INSERT INTO organisations (id, kind, name, municipality_ags, created_at, updated_at) VALUES (@id, 'municipality', @ags, @ags, @now, @now)",
                new { id = "org-" + ags, ags, now });
            await c.ExecuteAsync("""
                INSERT INTO delegations (id, municipality_org_id, municipality_ags, bundler_org_id, can_order, can_configure, can_view_invoices, granted_by, granted_at)
                VALUES (@id, @org, @ags, @Bundler, @yes, @no, @no, 'user-kommune', @now)
                """, new { id = "d-" + ags, org = "org-" + ags, ags, Bundler, yes = true, no = false, now });
        }
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task RevokeAsync(string ags)
    {
        await using var c = await _world.Database.OpenAsync();
        await c.ExecuteAsync("UPDATE delegations SET revoked_by = 'user-kommune', revoked_at = @at WHERE id = @id",
            new { id = "d-" + ags, at = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero) });
    }

    private Task<RolloutResult> RolloutAsync() => _world.Rollouts.CreateAsync("bundler-user", Bundler, new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [],
        [ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck], null, new JsonObject { ["behoerde"] = "Fundbüro", ["kontaktEmail"] = "f@sh.example" }, null));

    [Test]
    public async Task A_revoked_delegation_stops_the_municipalitys_pending_provisioning_and_the_others_go_on()
    {
        var rollout = await RolloutAsync();
        await RevokeAsync(ProvisioningWorld.Kiel);
        await _world.DrainAsync();

        var progress = await _world.Rollouts.ProgressAsync(rollout.RolloutId);
        Assert.That(progress.Count(SubscriptionStates.Cancelled), Is.EqualTo(1));
        Assert.That(progress.Count(SubscriptionStates.Active), Is.EqualTo(1), string.Join(", ", progress.CountsByState) + " " + string.Join(", ", progress.Failures));
        Assert.That(_world.Broker.State.Stats().InstancesPerAgs.Keys, Is.EquivalentTo(new[] { ProvisioningWorld.Luebeck }), "Kiel's configuration never reached the broker");
        var kiel = await _world.ScalarAsync<string>("SELECT id FROM subscriptions WHERE municipality_ags = @a", new { a = ProvisioningWorld.Kiel });
        Assert.That(await _world.ScalarAsync<long>("SELECT COUNT(*) FROM subscription_events WHERE subscription_id = @kiel AND kind = 'delegation-revoked'", new { kiel }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task After_revocation_the_bundler_neither_sees_nor_retries_the_municipalitys_failed_item()
    {
        var rollout = await RolloutAsync();
        await _world.DrainAsync();
        await using (var c = await _world.Database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE subscriptions SET state = 'failed' WHERE municipality_ags IN (@k, @l)", new { k = ProvisioningWorld.Kiel, l = ProvisioningWorld.Luebeck });
            await c.ExecuteAsync("UPDATE subscription_provisioning SET failure_reason = 'Kiel intern: Zustellpunkt abgelehnt' WHERE subscription_id IN (SELECT id FROM subscriptions WHERE municipality_ags = @k)",
                new { k = ProvisioningWorld.Kiel });
        }
        var both = new HashSet<string> { ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck };
        Assert.That((await _world.Rollouts.ProgressAsync(rollout.RolloutId, visibleAgs: both)).Failures.Select(f => f.Ags), Has.Member(ProvisioningWorld.Kiel));

        await RevokeAsync(ProvisioningWorld.Kiel);
        var onlyLuebeck = new HashSet<string> { ProvisioningWorld.Luebeck };
        var progress = await _world.Rollouts.ProgressAsync(rollout.RolloutId, visibleAgs: onlyLuebeck);
        Assert.That(progress.Failures.Select(f => f.Ags), Is.EqualTo(new[] { ProvisioningWorld.Luebeck }));
        Assert.That(progress.Failures.Any(f => f.Reason?.Contains("Kiel") == true), Is.False, "Kiel's failure details are not shown");
        Assert.That((progress.Total, progress.Count(SubscriptionStates.Failed)), Is.EqualTo((1, 1)));

        Assert.That(await _world.Rollouts.RetryFailedAsync(rollout.RolloutId, "bundler-user", Bundler, onlyLuebeck), Is.EqualTo(1));
        Assert.That(await _world.ScalarAsync<string>("SELECT state FROM subscriptions WHERE municipality_ags = @k", new { k = ProvisioningWorld.Kiel }),
            Is.EqualTo(SubscriptionStates.Failed), "Kiel's item is not the bundler's to retry any more");
    }
}
