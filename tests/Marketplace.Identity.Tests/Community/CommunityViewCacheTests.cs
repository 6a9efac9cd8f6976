using Marketplace.Community;
using Marketplace.Community.Ratings;
using Marketplace.Community.Reliability;
using NUnit.Framework;

namespace Marketplace.Identity.Tests.Community;

/// <summary>
/// The shared community view: one load per offering at a time, and no visitor's thread held while that load runs
/// (on SQLite a load is synchronous from start to end; a thread-pool thread blocked per waiting visitor starves the host).
/// </summary>
public class CommunityViewCacheTests
{
    private static SharedCommunityView View(string id) =>
        new(new RatingsView(id, null, 0, [], 1, 10), [], [], new ReliabilityFacts(id, 0, 0, null, null, 0));

    [Test]
    public async Task A_synchronous_load_holds_no_visitor_and_runs_once_for_all()
    {
        var cache = new CommunityViewCache(TimeProvider.System);
        using var release = new ManualResetEventSlim();
        var loads = 0;
        Task<SharedCommunityView> Load()
        {
            Interlocked.Increment(ref loads);
            release.Wait(TimeSpan.FromSeconds(30)); // as a SQLite query would: the thread is busy until the answer
            return Task.FromResult(View("wohnsitz"));
        }

        // Both visitors get their (unfinished) answer while the load still runs: neither thread waits inside the cache.
        var first = Task.Factory.StartNew(() => cache.GetAsync("wohnsitz", Load), TaskCreationOptions.LongRunning);
        var second = Task.Factory.StartNew(() => cache.GetAsync("wohnsitz", Load), TaskCreationOptions.LongRunning);
        var handedOut = Task.WhenAll(first, second);
        Assert.That(await Task.WhenAny(handedOut, Task.Delay(TimeSpan.FromSeconds(10))), Is.SameAs(handedOut),
            "GetAsync blocked its caller while the load ran");
        Assert.That(first.Result.IsCompleted, Is.False);

        release.Set();
        var views = await Task.WhenAll(first.Result, second.Result);
        Assert.That(views[0], Is.SameAs(views[1]));
        Assert.That(loads, Is.EqualTo(1));
    }
}
