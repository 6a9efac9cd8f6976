using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Marketplace.Identity.Stores;

/// <summary>One transaction for Identity's and OpenIddict's EF changes, Dapper statements and the audit entry, on EF's connection.</summary>
public static class IdentityTransaction
{
    public static async Task<T> InTransactionAsync<T>(this IdentityStoreContext db, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work(db.Database.GetDbConnection(), tx.GetDbTransaction());
            await tx.CommitAsync(ct);
            return result;
        }
        catch
        {
            // Entities added before the failure must not be saved by a later SaveChanges of the same scope.
            db.ChangeTracker.Clear();
            throw;
        }
    }
}
