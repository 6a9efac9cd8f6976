using System.Numerics;

namespace Marketplace.Catalog.Search;

/// <summary>Bitsets over offering ordinals: filters and facet counts become AND and population count over a few hundred words.</summary>
internal static class Bits
{
    public static void Set(ulong[] bits, int i) => bits[i >> 6] |= 1UL << (i & 63);

    public static bool Get(ulong[] bits, int i) => (bits[i >> 6] & (1UL << (i & 63))) != 0;

    public static void SetAll(ulong[] bits, int count)
    {
        Array.Fill(bits, ulong.MaxValue);
        if ((count & 63) != 0) bits[^1] = (1UL << (count & 63)) - 1;
    }

    public static void And(ulong[] target, ulong[] other)
    {
        for (var w = 0; w < target.Length; w++) target[w] &= other[w];
    }

    public static void Or(ulong[] target, ulong[] other)
    {
        for (var w = 0; w < target.Length; w++) target[w] |= other[w];
    }

    public static int Count(ulong[] bits)
    {
        var c = 0;
        foreach (var w in bits) c += BitOperations.PopCount(w);
        return c;
    }

    public static int CountAnd(ulong[] a, ulong[] b)
    {
        var c = 0;
        for (var w = 0; w < a.Length; w++) c += BitOperations.PopCount(a[w] & b[w]);
        return c;
    }

    public static IEnumerable<int> Ones(ulong[] bits)
    {
        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            while (word != 0)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }
}
