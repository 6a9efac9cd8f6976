namespace Marketplace.Conformance.Review;

/// <summary>A run of text that both versions share, or that only the old (removed) or only the new one (added) has.</summary>
public sealed record TextSegment(TextSegmentKind Kind, string Text);

public enum TextSegmentKind { Same, Removed, Added }

/// <summary>
/// Word-level differences between two texts, so a reviewer sees the three changed words in a long description rather than
/// two whole paragraphs. Words and the whitespace between them are the units; line endings do not count.
/// </summary>
public static class WordDiff
{
    /// <summary>Above this many word pairs the texts are shown as wholly replaced: the table would cost more than it shows.</summary>
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<TextSegment> Between(string before, string after)
    {
        var a = Words(before);
        var b = Words(after);
        if ((long)a.Count * b.Count > MaxCells) return [new(TextSegmentKind.Removed, Normal(before)), new(TextSegmentKind.Added, Normal(after))];

        // Longest common subsequence of words, filled from the end so the walk below goes forward.
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
            for (var j = b.Count - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var segments = new List<TextSegment>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y]) { Add(segments, TextSegmentKind.Same, a[x]); x++; y++; }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] >= lcs[x + 1, y])) { Add(segments, TextSegmentKind.Added, b[y]); y++; }
            else { Add(segments, TextSegmentKind.Removed, a[x]); x++; }
        }
        return Grouped(segments);
    }

    /// <summary>
    /// One removal and one addition per changed passage: a lone space both versions share between two changed words
    /// ("die Kita" → "den Hort") belongs to the change, not between two changes.
    /// </summary>
    private static List<TextSegment> Grouped(List<TextSegment> segments)
    {
        var result = new List<TextSegment>();
        var removed = new System.Text.StringBuilder();
        var added = new System.Text.StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            var inChange = removed.Length + added.Length > 0;
            var bridge = s.Kind == TextSegmentKind.Same && inChange && i + 1 < segments.Count && string.IsNullOrWhiteSpace(s.Text) && !s.Text.Contains('\n');
            if (s.Kind == TextSegmentKind.Removed || bridge) removed.Append(s.Text);
            if (s.Kind == TextSegmentKind.Added || bridge) added.Append(s.Text);
            if (s.Kind != TextSegmentKind.Same || bridge) continue;
            Flush();
            result.Add(s);
        }
        Flush();
        return result;

        void Flush()
        {
            if (removed.Length > 0) result.Add(new(TextSegmentKind.Removed, removed.ToString()));
            if (added.Length > 0) result.Add(new(TextSegmentKind.Added, added.ToString()));
            removed.Clear();
            added.Clear();
        }
    }

    /// <summary>The texts are the same but for line endings (a browser's CR LF against the catalogue's LF).</summary>
    public static bool SameText(string? before, string? after) => before is not null && after is not null && Normal(before) == Normal(after);

    private static string Normal(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var normal = Normal(text);
        var start = 0;
        for (var i = 1; i <= normal.Length; i++)
            if (i == normal.Length || char.IsWhiteSpace(normal[i]) != char.IsWhiteSpace(normal[start]))
            {
                words.Add(normal[start..i]);
                start = i;
            }
        return words;
    }

    // Neighbouring units of one kind become one segment: one <del> per change, not one per word.
    private static void Add(List<TextSegment> segments, TextSegmentKind kind, string text)
    {
        if (segments.Count > 0 && segments[^1].Kind == kind) segments[^1] = segments[^1] with { Text = segments[^1].Text + text };
        else segments.Add(new(kind, text));
    }
}
