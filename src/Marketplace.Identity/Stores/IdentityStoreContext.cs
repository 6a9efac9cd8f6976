using Marketplace.Storage;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Stores;

/// <summary>
/// The EF Core context of ASP.NET Core Identity's and OpenIddict's own tables, on the marketplace database.
/// Its schema is created by the checked-in migration scripts (see <see cref="IdentityStoreSchema"/>), never by EF.
/// </summary>
public sealed class IdentityStoreContext(DbContextOptions<IdentityStoreContext> options) : IdentityDbContext<MarketplaceUser>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<MarketplaceUser>(u =>
        {
            u.Property(x => x.OrganisationId).HasMaxLength(100).IsRequired();
            u.Property(x => x.DisplayName).HasMaxLength(400).IsRequired();
            u.HasIndex(x => x.OrganisationId);
        });
    }

    /// <summary>Points EF at the configured engine; OpenIddict's entities join the model here.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseEngine engine, string connectionString)
    {
        _ = engine switch
        {
            DatabaseEngine.Sqlite => options.UseSqlite(connectionString),
            DatabaseEngine.Postgres => options.UseNpgsql(connectionString),
            _ => options.UseSqlServer(connectionString),
        };
        options.UseOpenIddict();
    }
}
