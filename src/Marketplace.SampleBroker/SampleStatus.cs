namespace Marketplace.SampleBroker;

/// <summary>
/// The sample broker's status pages (GET /status/{offeringId}), so the platform's availability prober has something to
/// measure in the demo. Each offering gets a reliability profile from its id, and whether it is up in a five-minute slot
/// is a function of its id and the slot alone: the same answers in every process and every test run, and some offerings
/// visibly flakier than others. The demo seeder draws the probe history from the same function.
/// </summary>
public static class SampleStatus
{
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Slots per 10,000 in which the offering is down. Most offerings keep 99.9 % or better; one in ten misses 99 %,
    /// two in ten hover around 99.3 %, and from slot-level noise alone a few fall just below their promise in some months.
    /// </summary>
    public static int DownPer10000(string offeringId) => (int)(Hash(offeringId) % 10) switch
    {
        0 => 180,
        1 or 2 => 70,
        3 => 25,
        _ => 4,
    };

    /// <summary>Whether the offering's status page answers 200 at <paramref name="at"/> (503 otherwise).</summary>
    public static bool IsUp(string offeringId, DateTimeOffset at)
    {
        var slot = at.UtcTicks / Slot.Ticks;
        // Outages come in runs: an hour (12 slots) is either calm or troubled, and only a troubled hour has down slots.
        var hour = slot / 12;
        var troubled = Hash($"{offeringId}#{hour}") % 100 < (ulong)Math.Min(100, DownPer10000(offeringId) / 4 + 1);
        if (!troubled) return true;
        return Hash($"{offeringId}@{slot}") % 10000 >= (ulong)Math.Min(10000, DownPer10000(offeringId) * 100 / (DownPer10000(offeringId) / 4 + 1));
    }

    internal static IResult Answer(string offeringId, TimeProvider clock) => IsUp(offeringId, clock.GetUtcNow())
        ? Results.Json(new { status = "ok", offering = offeringId })
        : Results.Json(new { status = "unavailable", offering = offeringId }, statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>FNV-1a (64 bit): stable across processes, unlike string.GetHashCode.</summary>
    private static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in text)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return h;
    }
}
