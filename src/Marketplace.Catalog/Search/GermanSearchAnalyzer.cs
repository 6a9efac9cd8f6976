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
/// Also holds the query vocabulary: words that weigh little ("beantragen", "online") and the alternatives of a word
/// ("Perso" → "Personalausweis"), both analysed like the text so they meet the indexed terms.
/// </summary>
public sealed class GermanSearchAnalyzer : Analyzer
{
    public static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly CharArraySet _dictionary;

    private readonly HashSet<string> _lowWeight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IReadOnlyList<string>>> _alternatives = new(StringComparer.Ordinal);

    public GermanSearchAnalyzer(IEnumerable<string> compoundParts, IEnumerable<string>? lowWeightWords = null,
        IEnumerable<(string Word, IReadOnlyList<string> Alternatives)>? synonyms = null)
    {
        _dictionary = Normalise(compoundParts);
        foreach (var word in lowWeightWords ?? [])
            foreach (var group in WordGroups(word)) _lowWeight.Add(group[0]);
        foreach (var (word, alternatives) in synonyms ?? [])
        {
            if (WordGroups(word) is not [var key]) throw new FormatException($"synonyms: '{word}' must be one word");
            if (!_alternatives.TryGetValue(key[0], out var list)) _alternatives[key[0]] = list = [];
            foreach (var alternative in alternatives)
                if (WordGroups(alternative).Select(g => g[0]).ToList() is { Count: > 0 } heads && heads.Count > 0 && !(heads is [var only] && only == key[0]))
                    list.Add(heads);
        }
    }

    /// <summary>Reads one word part a line; blank lines and lines starting with # are skipped.</summary>
    public static GermanSearchAnalyzer FromDictionaryFile(string? path) => new(Lines(path));

    /// <summary>
    /// The analyser of a catalogue folder: word parts from search/decompound-de.txt, low-weight words from
    /// search/low-weight-de.txt, alternatives from search/synonyms-de.txt ("word: alternative, alternative").
    /// </summary>
    public static GermanSearchAnalyzer FromCatalogFolder(string catalogFolder)
    {
        var folder = Path.Combine(catalogFolder, "search");
        var synonyms = Lines(Path.Combine(folder, "synonyms-de.txt")).Select(line =>
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"synonyms-de.txt: '{line}' is not 'word: alternative, alternative'");
            return (line[..colon].Trim(), (IReadOnlyList<string>)line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }).ToList();
        return new GermanSearchAnalyzer(Lines(Path.Combine(folder, "decompound-de.txt")), Lines(Path.Combine(folder, "low-weight-de.txt")), synonyms);
    }

    private static IEnumerable<string> Lines(string? path) =>
        path is not null && File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
            : [];

    /// <summary>Whether an analysed word says little about the service meant ("beantragen", "online"): it never has to match.</summary>
    public bool IsLowWeight(string term) => _lowWeight.Contains(term);

    /// <summary>The alternatives of an analysed word, each as the analysed words that must all match.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Alternatives(string term) =>
        _alternatives.TryGetValue(term, out var list) ? list : [];

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
