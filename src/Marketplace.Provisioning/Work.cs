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

    /// <summary>
    /// Appends the audit entries and commits. Appenders of this process take turns here: the audit head is one row,
    /// and a crowd of transactions waiting on one row lock costs the database far more than a queue in memory does
    /// (every release wakes every waiter).
    /// </summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_entries.Count == 0)
        {
            await Transaction.CommitAsync(ct);
            return;
        }
        if (_entries.Count > SmallBatch)
        {
            // A rollout's thousands of entries: one long append, no queue worth keeping short.
            await _audit.AppendAsync(Connection, Transaction, _entries);
            await Transaction.CommitAsync(ct);
            return;
        }
        await AuditTurn.WaitAsync(ct);
        try
        {
            // Synchronous on purpose: the head lock is held for two round trips and the commit, without the turn's
            // continuations queueing behind the hundreds of jobs a busy worker has in flight.
            _audit.Append(Connection, Transaction, _entries);
            Transaction.Commit();
        }
        finally
        {
            AuditTurn.Release();
        }
    }

    private static readonly SemaphoreSlim AuditTurn = new(1, 1);
    private const int SmallBatch = 16;

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
