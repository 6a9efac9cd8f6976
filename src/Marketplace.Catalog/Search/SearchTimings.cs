using System.Diagnostics;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Where the time of searches goes, summed over many of them (Stopwatch ticks): the search benchmark's profile passes one in,
/// the endpoint does not.
/// </summary>
public sealed class SearchTimings
{
    public long Analysis, Scoring, Facets, Paging, Cards;

    /// <summary>Adds the ticks since <paramref name="since"/> to <paramref name="phase"/> and restarts the clock.</summary>
    public void Add(ref long phase, ref long since)
    {
        var now = Stopwatch.GetTimestamp();
        phase += now - since;
        since = now;
    }

    public static double Microseconds(long ticks, int searches) => ticks * 1_000_000.0 / Stopwatch.Frequency / searches;
}
