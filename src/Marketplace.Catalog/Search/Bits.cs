using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// How many offerings are in both sets. Facet counts call this once per value of a facet (hundreds for Leistungen),
    /// so it runs four sums side by side, whose population counts need not wait for each other's additions, and reads
    /// without bounds checks once the lengths are checked: about half the time of a plain loop.
    /// </summary>
    public static int CountAnd(ulong[] a, ulong[] b)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(b.Length, a.Length, nameof(b));
        ref var x = ref MemoryMarshal.GetArrayDataReference(a);
        ref var y = ref MemoryMarshal.GetArrayDataReference(b);
        int c0 = 0, c1 = 0, c2 = 0, c3 = 0, w = 0;
        for (; w <= a.Length - 4; w += 4)
        {
            c0 += BitOperations.PopCount(Unsafe.Add(ref x, w) & Unsafe.Add(ref y, w));
            c1 += BitOperations.PopCount(Unsafe.Add(ref x, w + 1) & Unsafe.Add(ref y, w + 1));
            c2 += BitOperations.PopCount(Unsafe.Add(ref x, w + 2) & Unsafe.Add(ref y, w + 2));
            c3 += BitOperations.PopCount(Unsafe.Add(ref x, w + 3) & Unsafe.Add(ref y, w + 3));
        }
        for (; w < a.Length; w++) c0 += BitOperations.PopCount(Unsafe.Add(ref x, w) & Unsafe.Add(ref y, w));
        return c0 + c1 + c2 + c3;
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
