using Marketplace.Audit;
using Marketplace.Catalog;
using Marketplace.Storage;

namespace Marketplace.Web.Hosting;

/// <summary>The host's one-shot commands, for operators and deployment jobs.</summary>
public static class MarketplaceCommands
{
    private static readonly string[] Commands = ["migrate", "import-catalog", "import-municipalities", "identity-schema", "verify-audit"];

    public static (string? Command, string[] CommandArgs, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || !Commands.Contains(args[0])) return (null, [], args);
        var commandArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return (args[0], commandArgs, args.Skip(1 + commandArgs.Length).ToArray());
    }

    public static async Task<int> RunAsync(WebApplication app, string command, string[] args)
    {
        if (command == "identity-schema")
        {
            // Prints the generated store DDL that ends Migrations/<Engine>/2026-11-29_04_Identity.sql (see IdentityStoreSchema).
            if (args.Length != 1 || !Enum.TryParse<DatabaseEngine>(args[0], out var engine))
            {
                Console.Error.WriteLine("usage: identity-schema Sqlite|Postgres|SqlServer");
                return 2;
            }
            Console.Write(Marketplace.Identity.Stores.IdentityStoreSchema.CreateScript(engine));
            return 0;
        }
        var database = app.Services.GetRequiredService<Database>();
        var seeder = app.Services.GetRequiredService<CatalogSeeder>();
        try
        {
            switch (command)
            {
                case "migrate":
                    Migrator.Run(database, app.Logger);
                    Console.WriteLine($"Database ({database.Engine}) is up to date.");
                    return 0;
                case "import-catalog":
                    Migrator.Run(database, app.Logger);
                    var report = await seeder.ImportCatalogAsync(args.FirstOrDefault());
                    Console.WriteLine(report);
                    return 0;
                case "import-municipalities":
                    if (args.Length != 1)
                    {
                        Console.Error.WriteLine("usage: import-municipalities <GV-ISys export as CSV>");
                        return 2;
                    }
                    Migrator.Run(database, app.Logger);
                    var result = await seeder.ImportMunicipalitiesAsync(args[0]);
                    Console.WriteLine(result);
                    return result.Succeeded ? 0 : 1;
                case "verify-audit":
                    // Exit code 1 when the chain is broken, so a scheduled job or a pipeline can alert on it.
                    var verification = await app.Services.GetRequiredService<AuditTrail>().VerifyAsync();
                    (verification.Intact ? Console.Out : Console.Error).WriteLine(verification);
                    return verification.Intact ? 0 : 1;
            }
        }
        catch (CatalogInvalidException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        return 2;
    }
}
