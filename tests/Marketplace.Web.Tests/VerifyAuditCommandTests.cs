using Dapper;
using Marketplace.Storage;
using Marketplace.Testing;
using Marketplace.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>`verify-audit`: exit code 0 for an intact chain, 1 naming the entry when someone changed the table.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
// The command writes to the process's console, which the test redirects.
[NonParallelizable]
public class VerifyAuditCommandTests(DatabaseEngine engine)
{
    private static async Task<(int Code, string Out, string Error)> RunAsync(TestDatabase db, params string[] command)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Engine"] = db.Engine.ToString(),
            ["Database:ConnectionString"] = db.Database.ConnectionString,
            ["Catalog:Path"] = RepoPaths.Catalog,
        });
        builder.AddMarketplace();
        await using var app = builder.Build();
        var (name, args, _) = MarketplaceCommands.Split(command);
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await MarketplaceCommands.RunAsync(app, name!, args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Test]
    public async Task An_intact_log_exits_0_and_a_tampered_one_exits_1_naming_the_entry()
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        Assert.That((await RunAsync(db, "import-catalog")).Code, Is.Zero);

        var intact = await RunAsync(db, "verify-audit");
        Assert.That(intact.Code, Is.Zero, intact.Error);
        Assert.That(intact.Out, Does.StartWith("audit trail intact: "));

        await using (var c = await db.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE audit_log SET actor_user_id = 'someone-else' WHERE seq = 42");
        var broken = await RunAsync(db, "verify-audit");
        Assert.That(broken.Code, Is.EqualTo(1));
        Assert.That(broken.Error.Trim(), Is.EqualTo("audit trail broken at entry 42: altered: the content does not match its hash"));
    }
}
