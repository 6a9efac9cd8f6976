using Dapper;
using Marketplace.Identity;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// A scaled-out start or a rolling deployment: instances start at the same moment on one fresh database. One runs the
/// start-up steps while the others wait for it, then find the migrations, seed, roles and accounts done.
/// </summary>
public class SimultaneousStartTests
{
    private const int Instances = 3;

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task Instances_starting_together_on_a_fresh_database_all_start_and_seed_everything_once(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine, migrate: false);
        var settings = new Dictionary<string, string?> { ["Identity:SeedDemoData"] = "true" };
        var hosts = Enumerable.Range(0, Instances).Select(_ => new MarketplaceFactory(db, settings)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Server)));
        }
        finally
        {
            foreach (var host in hosts) await host.StopAsync();
        }

        await using var c = await db.Database.OpenAsync();
        Assert.That(await c.QueryAsync<string>("""SELECT "Name" FROM "AspNetRoles" """), Is.EquivalentTo(Roles.All));
        Assert.That(await c.QueryAsync<string>("""SELECT "ClientId" FROM "OpenIddictApplications" WHERE "ClientId" = @id""",
            new { id = IdentityBootstrap.WebClientId }), Has.Exactly(1).Items);
        Assert.That(await c.QueryAsync<string>("""SELECT "Email" FROM "AspNetUsers" """), Is.EquivalentTo(DemoSeeder.Accounts.Select(a => a.Email)));
    }
}
