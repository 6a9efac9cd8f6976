using System.Numerics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Marketplace.Catalog.Search;

/// <summary>A search query as the catalogue builds it: a word looked up in every field, or a combination of such.</summary>
internal abstract record QueryNode(float Boost);

/// <summary>A term in any of the searched fields, scored as the best field plus a tenth of the others (<see cref="TermPostings.TieBreaker"/>).</summary>
internal sealed record TermNode(string Term, float Boost) : QueryNode(Boost);

/// <summary>
/// Clauses that must match (AND) and clauses that may (at least one when none must). The score is the sum of the
/// matching clauses' scores times the share of clauses that matched (Lucene's coordination factor).
/// </summary>
internal sealed record BoolNode(IReadOnlyList<(QueryNode Node, bool Must)> Clauses, float Boost) : QueryNode(Boost);

/// <summary>
/// Every term of one index revision with the offerings it occurs in and its score there, over all fields at once: Lucene's
/// TF-IDF (tf √freq, idf², the field's length norm and boost), combined across fields as a disjunction-max with tie-breaker.
/// Computed once per revision, so a search adds up a few arrays instead of running Lucene's scorer tree per offering,
/// which cost two thirds of a search when a broad word matched thousands of offerings. Scores equal Lucene's up to its
/// query norm, a constant per query that does not change the order (the catalogue tests compare both on real queries).
/// </summary>
internal sealed class TermPostings
{
    public const float TieBreaker = 0.1f;

    private readonly Dictionary<string, (int[] Ordinals, float[] Scores)> _postings = new(StringComparer.Ordinal);
    private readonly int _count;
    private readonly int _words;

    public TermPostings(AtomicReader segment, int[] docToOrdinal, IReadOnlyList<(string Field, float Boost)> fields, TFIDFSimilarity similarity)
    {
        _count = segment.MaxDoc;
        _words = (_count + 63) >> 6;
        var perTerm = new Dictionary<string, List<(int Ordinal, float Score)>>(StringComparer.Ordinal);
        foreach (var (field, boost) in fields)
        {
            var terms = segment.GetTerms(field);
            if (terms is null) continue;
            var norms = segment.GetNormValues(field);
            var termsEnum = terms.GetEnumerator();
            DocsEnum? docs = null;
            while (termsEnum.MoveNext())
            {
                var idf = similarity.Idf(termsEnum.DocFreq, _count);
                var term = termsEnum.Term.Utf8ToString();
                if (!perTerm.TryGetValue(term, out var list)) perTerm[term] = list = [];
                docs = termsEnum.Docs(segment.LiveDocs, docs, DocsFlags.FREQS);
                for (var d = docs.NextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.NextDoc())
                {
                    var norm = norms is null ? 1f : similarity.DecodeNormValue(norms.Get(d));
                    list.Add((docToOrdinal[d], similarity.Tf(docs.Freq) * idf * idf * boost * norm));
                }
            }
        }
        foreach (var (term, list) in perTerm)
        {
            list.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
            var ordinals = new List<int>(list.Count);
            var scores = new List<float>(list.Count);
            for (var k = 0; k < list.Count;)
            {
                var (ordinal, max, sum) = (list[k].Ordinal, 0f, 0f);
                for (; k < list.Count && list[k].Ordinal == ordinal; k++)
                {
                    max = Math.Max(max, list[k].Score);
                    sum += list[k].Score;
                }
                ordinals.Add(ordinal);
                scores.Add(max + (sum - max) * TieBreaker);
            }
            _postings[term] = (ordinals.ToArray(), scores.ToArray());
        }
    }

    /// <summary>Marks the offerings the query matches in <paramref name="matched"/> and writes their scores; other scores are left alone.</summary>
    /// <param name="words">
    /// The matches of the query's clauses already computed in this search, and where to keep new ones: the relaxed query
    /// has the strict query's words as its clauses, so filling up a search does not match its words twice.
    /// </param>
    public void Evaluate(QueryNode query, ulong[] matched, float[] scores, WordMatches? words = null)
    {
        var scratch = SearchScratch.For(_count, 0);
        var result = words is not null && query is BoolNode root ? MatchWords(root, scratch, words) : Match(query, scratch);
        try
        {
            Array.Copy(result.Bits, matched, _words);
            for (var w = 0; w < _words; w++)
                for (var word = result.Bits[w]; word != 0; word &= word - 1)
                {
                    var i = (w << 6) + BitOperations.TrailingZeroCount(word);
                    scores[i] = result.Scores[i];
                }
        }
        finally
        {
            result.Return(scratch);
        }
    }

    /// <summary>
    /// The matches of one search's words, each computed once; given back to the thread's scratch when the search ends. The
    /// strict and the relaxed query have the same word nodes as their clauses, in the same order, so a word is found by its
    /// position (checked by reference): hashing fresh query nodes by identity cost a tenth of a realistic search.
    /// </summary>
    public sealed class WordMatches(SearchScratch scratch) : IDisposable
    {
        private readonly List<(QueryNode Node, Matches Matches)> _known = [];

        internal bool TryGet(int position, QueryNode node, out Matches matches)
        {
            var known = position < _known.Count && ReferenceEquals(_known[position].Node, node);
            matches = known ? _known[position].Matches : default;
            return known;
        }

        /// <summary>Keeps the word's matches when it is the next position; a query of other words is just not remembered.</summary>
        internal void Keep(int position, QueryNode node, Matches matches)
        {
            if (position == _known.Count) _known.Add((node, matches));
            else matches.Return(scratch);
        }

        public void Dispose()
        {
            foreach (var (_, matches) in _known) matches.Return(scratch);
            _known.Clear();
        }
    }

    private Matches MatchWords(BoolNode root, SearchScratch scratch, WordMatches words)
    {
        var result = new Matches(scratch.Bits(), scratch.Scores());
        var clauses = new Matches[root.Clauses.Count];
        var kept = new bool[clauses.Length];
        try
        {
            for (var c = 0; c < clauses.Length; c++)
            {
                var node = root.Clauses[c].Node;
                if (!(kept[c] = words.TryGet(c, node, out clauses[c]))) clauses[c] = Match(node, scratch);
            }
            Combine(root, clauses, result);
        }
        finally
        {
            for (var c = 0; c < clauses.Length; c++)
                if (!kept[c] && clauses[c].Scores is not null) words.Keep(c, root.Clauses[c].Node, clauses[c]);
        }
        return result;
    }

    /// <summary>The offerings a node matches, as a bitset, with their scores (the thread's scratch, valid only where the bit is set).</summary>
    internal readonly record struct Matches(ulong[] Bits, float[] Scores)
    {
        public void Return(SearchScratch scratch)
        {
            scratch.Return(Bits);
            scratch.Return(Scores);
        }
    }

    private Matches Match(QueryNode node, SearchScratch scratch)
    {
        var result = new Matches(scratch.Bits(), scratch.Scores());
        switch (node)
        {
            case TermNode term when _postings.TryGetValue(term.Term, out var posting):
                for (var k = 0; k < posting.Ordinals.Length; k++)
                {
                    Bits.Set(result.Bits, posting.Ordinals[k]);
                    result.Scores[posting.Ordinals[k]] = posting.Scores[k] * term.Boost;
                }
                break;
            case BoolNode all:
                var clauses = new Matches[all.Clauses.Count];
                try
                {
                    for (var c = 0; c < clauses.Length; c++) clauses[c] = Match(all.Clauses[c].Node, scratch);
                    Combine(all, clauses, result);
                }
                finally
                {
                    foreach (var clause in clauses) if (clause.Scores is not null) clause.Return(scratch);
                }
                break;
        }
        return result;
    }

    private void Combine(BoolNode node, Matches[] clauses, Matches result)
    {
        var anyMust = false;
        for (var c = 0; c < clauses.Length; c++)
        {
            if (!node.Clauses[c].Must) continue;
            if (anyMust) Bits.And(result.Bits, clauses[c].Bits);
            else Array.Copy(clauses[c].Bits, result.Bits, _words);
            anyMust = true;
        }
        if (!anyMust)
            foreach (var clause in clauses) Bits.Or(result.Bits, clause.Bits);
        for (var w = 0; w < _words; w++)
            for (var word = result.Bits[w]; word != 0; word &= word - 1)
            {
                var i = (w << 6) + BitOperations.TrailingZeroCount(word);
                var (sum, matching) = (0f, 0);
                foreach (var clause in clauses)
                    if (Bits.Get(clause.Bits, i))
                    {
                        sum += clause.Scores[i];
                        matching++;
                    }
                result.Scores[i] = sum * matching / clauses.Length * node.Boost;
            }
    }
}
