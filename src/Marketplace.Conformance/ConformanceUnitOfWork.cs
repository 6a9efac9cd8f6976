using Marketplace.Audit;
using Marketplace.Catalog.Queries;
using Marketplace.Storage;

namespace Marketplace.Conformance;

/// <summary>Opens one connection and transaction per action, hands the work a <see cref="ConformanceStore"/>, commits once.</summary>
internal sealed class ConformanceUnitOfWork(Database database, AuditTrail audit, TimeProvider clock, StandardRecords standards, OfferingRecords offerings)
{
    public TimeProvider Clock => clock;

    public async Task<T> RunAsync<T>(Func<ConformanceStore, Task<T>> work, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var store = new ConformanceStore(c, tx, database.Dialect, audit, clock.GetUtcNow(), standards, offerings);
        var result = await work(store);
        await store.BumpRevisionIfChangedAsync();
        await tx.CommitAsync(ct);
        return result;
    }

    public Task RunAsync(Func<ConformanceStore, Task> work, CancellationToken ct = default) =>
        RunAsync<bool>(async s => { await work(s); return true; }, ct);

    /// <summary>Reads without changing anything.</summary>
    public async Task<T> ReadAsync<T>(Func<ConformanceStore, Task<T>> read, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var result = await read(new ConformanceStore(c, tx, database.Dialect, audit, clock.GetUtcNow(), standards, offerings));
        await tx.CommitAsync(ct);
        return result;
    }
}
