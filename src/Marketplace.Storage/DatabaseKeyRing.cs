using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Storage;

/// <summary>
/// ASP.NET Core Data Protection with its key ring in the database (table data_protection_keys), so every host
/// process reads what another protected: cookies, encrypted tenant secrets, the OIDC server keys.
/// </summary>
public static class DatabaseKeyRing
{
    /// <summary>Registers Data Protection on the database key ring; modules may each call it, it configures once.</summary>
    public static IDataProtectionBuilder AddDatabaseKeyRing(this IServiceCollection services)
    {
        var builder = services.AddDataProtection().SetApplicationName("Marketplace");
        if (services.Any(d => d.ServiceType == typeof(KeyRingMarker))) return builder;
        services.AddSingleton<KeyRingMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<KeyManagementOptions>().Configure<Database, TimeProvider>((o, database, clock) =>
            o.XmlRepository = new Repository(database, clock));
        return builder;
    }

    private sealed class KeyRingMarker;

    private sealed class Repository(Database database, TimeProvider clock) : IXmlRepository
    {
        // Data Protection calls these synchronously (at start-up and when rotating keys); each uses its own short connection.
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var c = Open();
            return c.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at").Select(XElement.Parse).ToList();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var c = Open();
            c.Execute("INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @at)", new
            {
                name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting),
                at = clock.GetUtcNow(),
            });
        }

        private System.Data.Common.DbConnection Open()
        {
            var c = database.Create();
            c.Open();
            return c;
        }
    }
}
