using Marketplace.Identity.Stores;
using Marketplace.Storage;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The checked-in DDL of Identity's and OpenIddict's stores is exactly what the EF model generates, on every engine.</summary>
public class IdentityStoreSchemaTests
{
    [TestCase(DatabaseEngine.Sqlite)]
    [TestCase(DatabaseEngine.Postgres)]
    [TestCase(DatabaseEngine.SqlServer)]
    public void The_identity_migration_ends_with_the_generated_store_schema(DatabaseEngine engine)
    {
        var script = Migrator.Scripts(engine).Single(s => s.Name == "2026-11-29_04_Identity.sql").Sql.ReplaceLineEndings("\n");
        var generated = IdentityStoreSchema.CreateScript(engine);
        Assert.That(script.TrimEnd(), Does.EndWith(generated.TrimEnd()),
            $"regenerate: dotnet run --project src/Marketplace.Web -- identity-schema {engine} and replace the part from the marker on");
        Assert.That(generated, Does.Contain("AspNetUsers").And.Contain("OpenIddictTokens").And.Contain("OrganisationId"));
    }
}
