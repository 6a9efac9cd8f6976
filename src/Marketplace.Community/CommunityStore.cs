using System.Data.Common;
using Marketplace.Audit;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Storage;

namespace Marketplace.Community;

/// <summary>
/// What every community service shares: the database, the audit trail, the clock and the published catalogue
/// (ratings, requests and recommendations exist only for offerings the catalogue shows).
/// </summary>
public sealed class CommunityStore(Database database, AuditTrail audit, TimeProvider clock, CatalogSearchService catalogue)
{
    public Database Database => database;

    public DateTimeOffset Now() => clock.GetUtcNow();

    /// <summary>The published offering; anything else (a draft, a retired offering, a typo) is not found.</summary>
    public CatalogOffering Published(string offeringId) =>
        catalogue.Current.Catalog.Offering(offeringId) ?? throw new NotFoundException("offering", offeringId);

    public CatalogOffering? PublishedOrNull(string offeringId) => catalogue.Current.Catalog.Offering(offeringId);

    /// <summary>Runs <paramref name="change"/> in one transaction and appends its audit entries before the commit.</summary>
    public async Task<T> ChangeAsync<T>(Func<DbConnection, DbTransaction, List<AuditEntry>, Task<T>> change, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var entries = new List<AuditEntry>();
        var result = await change(c, tx, entries);
        if (entries.Count > 0) await audit.AppendAsync(c, tx, entries);
        await tx.CommitAsync(ct);
        return result;
    }
}
