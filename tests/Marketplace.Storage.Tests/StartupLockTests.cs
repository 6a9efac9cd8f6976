using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The start-up lock admits one instance at a time on a database; the others wait, and may stop waiting.</summary>
public class StartupLockTests
{
    // Long enough for a waiter that ignored the lock to get through on a loaded machine.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    private static DatabaseStartupLock LockOf(TestDatabase db) => new(db.Database, NullLogger<DatabaseStartupLock>.Instance);

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task A_second_instance_waits_until_the_first_releases_the_lock(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine, migrate: false);
        // Each instance has its own Database, as separate processes would.
        var other = new Database(engine, db.Database.ConnectionString);
        var first = await LockOf(db).AcquireAsync(CancellationToken.None);
        var waited = 0;
        var second = other.LockAsync(DatabaseStartupLock.Name, () => Interlocked.Increment(ref waited), CancellationToken.None);

        await Task.Delay(Patience);
        Assert.That(second.IsCompleted, Is.False, "the second waits while the first holds the lock");
        Assert.That(waited, Is.EqualTo(1), "and says once that it waits");

        await first.DisposeAsync();
        await using var held = await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(waited, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
    public async Task A_stopping_instance_stops_waiting_and_leaves_the_lock_free(DatabaseEngine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine, migrate: false);
        var startupLock = LockOf(db);
        var first = await startupLock.AcquireAsync(CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        var second = startupLock.AcquireAsync(stopping.Token);
        await Task.Delay(Patience);

        await stopping.CancelAsync();
        Assert.That(async () => await second.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<OperationCanceledException>());
        await first.DisposeAsync();
        await using var third = await startupLock.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
