using System.Data.Common;
using Marketplace.Audit;
using Marketplace.Storage;

namespace Marketplace.Provisioning;

/// <summary>
/// One transaction of provisioning work. Audit entries are collected and appended just before the commit, because
/// appending takes the audit chain's head lock: held for a moment at the end, not for the whole transaction.
/// </summary>
internal sealed class Work : IAsyncDisposable
{
    private readonly AuditTrail _audit;
    private readonly List<AuditEntry> _entries = [];

    private Work(DbConnection connection, DbTransaction transaction, AuditTrail audit)
    {
        Connection = connection;
        Transaction = transaction;
        _audit = audit;
    }

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }

    public static async Task<Work> BeginAsync(Database database, AuditTrail audit, CancellationToken ct = default)
    {
        var connection = await database.OpenAsync(ct);
        try
        {
            return new Work(connection, await connection.BeginTransactionAsync(ct), audit);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Audit(AuditEntry entry) => _entries.Add(entry);

    public async Task CommitAsync(CancellationToken ct = default)
    {
        foreach (var entry in _entries) await _audit.AppendAsync(Connection, Transaction, entry);
        await Transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

/// <summary>Timestamps as stored: fixed-width ISO-8601 UTC text, as the audit trail and billing read them.</summary>
internal static class Iso
{
    public static string Of(DateTimeOffset t) => AuditTrail.Timestamp(t);

    public static DateTimeOffset Parse(string s) =>
        DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}
