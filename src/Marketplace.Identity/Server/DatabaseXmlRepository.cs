using System.Xml.Linq;
using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Marketplace.Identity.Server;

/// <summary>
/// Keeps the ASP.NET Core Data Protection key ring in the database, so every instance shares it and cookies, antiforgery
/// tokens and the protected server keys survive restarts and load balancing.
/// </summary>
public sealed class DatabaseXmlRepository(Database database, TimeProvider clock) : IXmlRepository
{
    // Data Protection calls these synchronously (at start-up and when rotating keys); each uses its own short connection.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = Open();
        return c.Query<string>(IdentitySql.AllDataProtectionKeys).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = Open();
        c.Execute(IdentitySql.InsertDataProtectionKey, new
        {
            name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), at = AuditTrail.Timestamp(clock.GetUtcNow()),
        });
    }

    private System.Data.Common.DbConnection Open()
    {
        var c = database.Create();
        c.Open();
        return c;
    }
}
