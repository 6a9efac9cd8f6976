namespace Marketplace.Catalog.Search;

/// <summary>
/// The working arrays of searches on one thread: bitsets over the offerings, score and count arrays. A search runs on one
/// thread without awaiting, so it takes its arrays from that thread's stacks and gives them back when done: under load a
/// search allocates no megabytes for the collector and takes no lock of a shared pool. Sized per index revision.
/// </summary>
internal sealed class SearchScratch
{
    [ThreadStatic] private static SearchScratch? _ofThread;

    private readonly Stack<ulong[]> _bits = new();
    private readonly Stack<float[]> _scores = new();
    private readonly Stack<int[]> _counts = new();

    private SearchScratch(int offerings, int countsLength)
    {
        Offerings = offerings;
        Words = (offerings + 63) >> 6;
        CountsLength = countsLength;
    }

    public int Offerings { get; }
    public int Words { get; }
    /// <summary>The length of a count array: the number of values of the facet with most (0 when the caller counts nothing).</summary>
    public int CountsLength { get; }

    /// <summary>This thread's arrays for an index of <paramref name="offerings"/> offerings; another size, or longer count arrays, start afresh.</summary>
    public static SearchScratch For(int offerings, int countsLength)
    {
        var scratch = _ofThread;
        if (scratch is null || scratch.Offerings != offerings || scratch.CountsLength < countsLength)
            _ofThread = scratch = new SearchScratch(offerings, countsLength);
        return scratch;
    }

    /// <summary>An empty bitset.</summary>
    public ulong[] Bits()
    {
        if (!_bits.TryPop(out var bits)) return new ulong[Words];
        Array.Clear(bits);
        return bits;
    }

    /// <summary>A score per offering; its contents are whatever the last user left: only scores written are read.</summary>
    public float[] Scores() => _scores.TryPop(out var scores) ? scores : new float[Offerings];

    /// <summary>Zeroed counts for the values of one facet (the first <paramref name="values"/> entries).</summary>
    public int[] Counts(int values)
    {
        if (!_counts.TryPop(out var counts)) return new int[CountsLength];
        Array.Clear(counts, 0, values);
        return counts;
    }

    public void Return(ulong[] bits) => _bits.Push(bits);
    public void Return(float[] scores) => _scores.Push(scores);
    public void Return(int[] counts) => _counts.Push(counts);
}
