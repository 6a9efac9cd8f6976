using System.Xml.Linq;
using Dapper;
using Marketplace.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Marketplace.Provisioning.Configuration;

/// <summary>
/// The Data Protection key ring in the database, so every host process (web, worker, a second machine) encrypts and
/// decrypts with the same keys. Keys themselves are protected as Data Protection's key encryption is configured.
/// </summary>
public sealed class DatabaseXmlRepository(Database database, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = database.OpenAsync().GetAwaiter().GetResult();
        return c.Query<string>(ProvisioningSql.DataProtectionKeys).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = database.OpenAsync().GetAwaiter().GetResult();
        c.Execute(ProvisioningSql.InsertDataProtectionKey, new
        {
            id = friendlyName + "/" + Guid.NewGuid().ToString("N"), xml = element.ToString(SaveOptions.DisableFormatting), now = Iso.Of(clock.GetUtcNow()),
        });
    }
}
