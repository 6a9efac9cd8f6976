using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Compound;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Marketplace.Catalog.Search;

/// <summary>
/// German analysis for the catalogue: lower case, German stop words, umlaut folding ("ä", "ae" → "a", "ß" → "ss"),
/// dictionary-based compound splitting ("Wohnsitzummeldung" also yields "wohnsitz", "ummeldung", "meldung")
/// and light stemming. Compound parts come at the same position as the whole word.
/// </summary>
public sealed class GermanSearchAnalyzer : Analyzer
{
    public static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly CharArraySet _dictionary;

    public GermanSearchAnalyzer(IEnumerable<string> compoundParts) => _dictionary = Normalise(compoundParts);

    /// <summary>Reads one word part a line; blank lines and lines starting with # are skipped.</summary>
    public static GermanSearchAnalyzer FromDictionaryFile(string? path) =>
        new(path is not null && File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : []);

    /// <summary>The analyser of a catalogue folder: its word parts from search/decompound-de.txt.</summary>
    public static GermanSearchAnalyzer FromCatalogFolder(string catalogFolder) =>
        FromDictionaryFile(Path.Combine(catalogFolder, "search", "decompound-de.txt"));

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new LowerCaseFilter(Version, source);
        stream = new StopFilter(Version, stream, GermanAnalyzer.DefaultStopSet);
        stream = new GermanNormalizationFilter(stream);
        if (_dictionary.Count > 0)
            stream = new DictionaryCompoundWordTokenFilter(Version, stream, _dictionary,
                minWordSize: 5, minSubwordSize: 3, maxSubwordSize: 25, onlyLongestMatch: false);
        stream = new GermanLightStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    /// <summary>Runs the dictionary through the same folding as the text, so "müll" matches "muell" and "Müll".</summary>
    private static CharArraySet Normalise(IEnumerable<string> words)
    {
        var set = new CharArraySet(Version, 512, ignoreCase: false);
        using var folding = new FoldingAnalyzer();
        foreach (var word in words)
        {
            using var ts = folding.GetTokenStream("w", word);
            var term = ts.AddAttribute<ICharTermAttribute>();
            ts.Reset();
            while (ts.IncrementToken()) set.Add(term.ToString());
            ts.End();
        }
        return set;
    }

    private sealed class FoldingAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(Version, reader);
            return new TokenStreamComponents(source, new GermanNormalizationFilter(new LowerCaseFilter(Version, source)));
        }
    }

    /// <summary>
    /// The analysed tokens of a text grouped by word: the first token of a group is the word itself,
    /// the rest its compound parts.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> WordGroups(string text)
    {
        var groups = new List<List<string>>();
        using var ts = GetTokenStream("q", text);
        var term = ts.AddAttribute<ICharTermAttribute>();
        var position = ts.AddAttribute<IPositionIncrementAttribute>();
        ts.Reset();
        while (ts.IncrementToken())
        {
            if (position.PositionIncrement > 0 || groups.Count == 0) groups.Add([]);
            var t = term.ToString();
            if (!groups[^1].Contains(t)) groups[^1].Add(t);
        }
        ts.End();
        return groups;
    }
}
