using Dapper;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using Npgsql;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

/// <summary>
/// The database restarts in the middle of a billing run (on a PostgreSQL server of the test's own): the run's one
/// transaction is lost whole, the run again bills every municipality exactly once, and a third run changes nothing.
/// </summary>
[NonParallelizable]
[Category("Slow")]
public class BillingFaultTests
{
    private const int Municipalities = 400;
    private static readonly BillingMonth November = new(2026, 11);

    [Test]
    public async Task A_database_restart_in_the_middle_of_a_billing_run_loses_nothing_and_doubles_nothing()
    {
        TestDatabase.RequirePostgres();
        await using var cluster = await PostgresCluster.StartAsync();
        await using var world = await BillingWorld.CreateAsync(DatabaseEngine.Postgres, postgresAdmin: cluster.AdminConnectionString);
        var municipalities = await SeedAsync(world);
        world.Clock.Now = DateTimeOffset.Parse("2026-12-01T06:00:00Z");

        // Hold the invoices table so the run stops inside its transaction, after it has closed the month for usage and
        // priced everything but before anything is committed; then restart the server under it.
        Task run;
        await using (var blocker = new NpgsqlConnection(world.Database.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await blocker.ExecuteAsync("LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE", transaction: hold);
            run = world.Runs.RunAsync(November, Admin);
            await WaitUntilBlockedAsync(world);
            await cluster.RestartAsync();
        }
        Assert.That(async () => await run, Throws.InstanceOf<Exception>(), "the run lost its connection");
        NpgsqlConnection.ClearAllPools();

        await using (var c = await world.Database.OpenAsync())
        {
            Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invoices"), Is.Zero, "nothing of the broken run was kept");
            Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM billing_runs"), Is.Zero);
        }

        var again = await world.Runs.RunAsync(November, Admin);
        Assert.That(again.Run.InvoiceCount, Is.EqualTo(municipalities.Count), "every municipality billed once");
        Assert.That(again.Run.NetCents, Is.EqualTo(municipalities.Count * 3100L), "one month of Support Plus each");
        var third = await world.Runs.RunAsync(November, Admin);
        Assert.That(third.Run.InvoiceCount, Is.Zero);
        Assert.That(third.InvoicesAlreadyPresent, Is.EqualTo(municipalities.Count));
        await using (var c = await world.Database.OpenAsync())
        {
            Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invoices"), Is.EqualTo(municipalities.Count));
            Assert.That(await c.ExecuteScalarAsync<long>("SELECT SUM(net_cents) FROM invoices"), Is.EqualTo(municipalities.Count * 3100L));
        }
        Assert.That((await world.Audit.VerifyAsync()).Intact, Is.True);
    }

    /// <summary>Municipalities with one subscription each that books the monthly add-on for the whole of November.</summary>
    private static async Task<List<string>> SeedAsync(BillingWorld world)
    {
        var ags = Enumerable.Range(0, Municipalities).Select(i => $"0918{i:D4}").ToList();
        await using var c = await world.Database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("""
            INSERT INTO municipalities (ags, ars, name, land_code, kreis_key, population, postal_code) VALUES (@a, @a, @a, '09', '09180', 1000, '80000')
            """, ags.Select(a => new { a }), tx);
        await c.ExecuteAsync("""
            INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
            VALUES (@id, @a, @offering, @vendor, 'gemeinde', 'active', @at, @at)
            """, ags.Select(a => new { id = "sub-" + a, a, offering = Bauantrag, vendor = VendorA, at = Iso("2026-10-01T00:00:00Z") }), tx);
        await c.ExecuteAsync("""
            INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to)
            VALUES (@id, 1, 'gemeinde', 'support-plus', @from, NULL)
            """, ags.Select(a => new { id = "sub-" + a, from = Iso("2026-10-01T00:00:00Z") }), tx);
        await tx.CommitAsync();
        return ags;
    }

    private static async Task WaitUntilBlockedAsync(BillingWorld world)
    {
        await using var probe = new NpgsqlConnection(world.Database.ConnectionString);
        await probe.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await probe.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_locks WHERE NOT granted") == 0)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("the billing run never reached the invoices");
            await Task.Delay(50);
        }
    }
}
