using System.Numerics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Full-text search (Lucene, German analysis) plus facet counting over one revision of the catalogue.
/// Immutable once built: a catalogue change builds a new one and swaps it in.
/// Facet counts follow "drill sideways": the counts of a facet ignore that facet's own filter,
/// so a buyer sees how many offerings each further choice would add.
/// </summary>
public sealed class CatalogSearchIndex : IDisposable
{
    private static readonly (string Field, float Boost)[] Fields =
        [("name", 4f), ("leistung", 3f), ("vendor", 2f), ("text", 1f)];

    private readonly GermanSearchAnalyzer _analyzer;
    private readonly RAMDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly TermPostings _postings;
    private readonly int[] _docToOrdinal;
    private readonly OfferingCard[] _cards;
    private readonly int[] _nameRank; // position of each offering in name order
    private readonly int[] _byName; // ordinals in name order
    private readonly int[] _byPrice; // ordinals by price, then name
    private readonly ulong[][][] _valueBits; // [facet][value id] → bitset of the offerings that have it
    private readonly int[][] _valueTotals; // [facet][value id] → how many offerings have it
    private readonly int[] _facetMemberships; // [facet] → values summed over all offerings (the cost of walking them all)
    private readonly string[][] _facetValueKeys; // [facet][value id] → value
    private readonly string[][] _facetValueLabels;
    private readonly Dictionary<string, int>[] _facetValueIds;
    private readonly int[][] _keyRank, _labelRank; // [facet][value id] → position in key order, in label order
    private readonly int[][] _byKeyRank, _byLabelRank; // [facet][position] → value id
    private readonly Lazy<CardViewJson> _cardJson;
    // Each facet's values per offering in one array (offering i's from _memberStart[f][i] to _memberStart[f][i + 1]):
    // counting walks memory in order instead of one small array per offering.
    private readonly int[][] _memberStart;
    private readonly int[][] _memberValues;
    private readonly int _countsLength; // the values of the facet with most: the length of a count array

    public CatalogReadModel Catalog { get; }
    public long Revision => Catalog.Revision;

    public CatalogSearchIndex(CatalogReadModel catalog, GermanSearchAnalyzer analyzer)
    {
        Catalog = catalog;
        _analyzer = analyzer;
        var n = catalog.Offerings.Count;
        _cards = new OfferingCard[n];
        var sortNames = new string[n];
        var facetValues = new int[Facets.All.Count][][]; // [facet][ordinal] → value ids
        _facetValueKeys = new string[Facets.All.Count][];
        _facetValueLabels = new string[Facets.All.Count][];
        _facetValueIds = new Dictionary<string, int>[Facets.All.Count];
        var keyLists = new List<string>[Facets.All.Count];
        var labelLists = new List<string>[Facets.All.Count];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            facetValues[f] = new int[n][];
            _facetValueIds[f] = new Dictionary<string, int>(StringComparer.Ordinal);
            keyLists[f] = [];
            labelLists[f] = [];
        }

        _directory = new RAMDirectory();
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(GermanSearchAnalyzer.Version, analyzer)
               { OpenMode = OpenMode.CREATE }))
        {
            for (var i = 0; i < n; i++)
            {
                var offering = catalog.Offerings[i];
                var o = offering.Descriptor;
                var leistungen = o.Leistungen.Select(id => catalog.Leistungen[id]).ToList();
                _cards[i] = new OfferingCard(o.Id, o.Name, o.NameEn, o.Summary, new Ref(o.Vendor, offering.VendorName),
                    leistungen.Select(l => new Ref(l.OzgId, l.Name)).ToList(), o.Reifegrad, catalog.LandAbbreviations(o),
                    o.Standards.Select(s => new Ref(s.Standard, catalog.Standards.TryGetValue(s.Standard, out var st) ? st.Name : s.Standard)).ToList(),
                    OfferingPricing.PriceFromCents(o), OfferingPricing.PriceModels(o), o.Provisioning.Type,
                    !OfferingPricing.PriceModels(o).SequenceEqual([OfferingPricing.StandardOnly]),
                    offering.Listing.Version, offering.Listing.Lifecycle, offering.Listing.Orderable, offering.Listing.LastCheckedAt,
                    Badges(catalog, offering.Listing));
                sortNames[i] = o.Name.ToLowerInvariant();

                var themenfelder = leistungen.Select(l => l.ThemenfeldId).Distinct().ToList();
                var lebenslagen = leistungen.SelectMany(l => l.LebenslageIds).Distinct().ToList();
                SetFacet(Facets.Themenfeld, i, themenfelder.Select(t => (t, catalog.Themenfelder[t].Name)));
                SetFacet(Facets.Lebenslage, i, lebenslagen.Select(l => (l, catalog.Lebenslagen[l].Item.Name)));
                SetFacet(Facets.Leistung, i, leistungen.Select(l => (l.OzgId, l.Name)));
                SetFacet(Facets.Vendor, i, [(o.Vendor, offering.VendorName)]);
                SetFacet(Facets.Standard, i, _cards[i].Standards.Select(s => (s.Id, s.Name)));
                SetFacet(Facets.Reifegrad, i, [(o.Reifegrad.ToString(), $"Reifegrad {o.Reifegrad}")]);
                SetFacet(Facets.Land, i, _cards[i].Laender.Select(a => (a, catalog.Laender.First(l => l.Abbreviation == a).Name)));
                SetFacet(Facets.PriceModel, i, _cards[i].PriceModels.Select(p => (p, p)));
                SetFacet(Facets.Conformance, i, _cards[i].Conformance.Where(b => b.Status == ConformanceStatuses.Conformant).Select(b => (b.Id, b.Name)));
                SetFacet(Facets.Orderable, i, [(_cards[i].Orderable ? "true" : "false", _cards[i].Orderable ? "bestellbar" : "nicht bestellbar")]);
                var h = o.Hosting;
                SetFacet(Facets.OperatorKind, i, h.Operator is { } op ? [(op.Kind, op.Kind)] : []);
                var storage = new[] { h.PrimaryStorage, h.BackupStorage }.OfType<Descriptors.DataPlace>().ToList();
                SetFacet(Facets.DataCountry, i, storage.Select(p => (p.Country, p.Country)));
                SetFacet(Facets.DataLand, i, storage.Where(p => p.Land is not null)
                    .Select(p => (p.Land!, catalog.Laender.FirstOrDefault(l => l.Abbreviation == p.Land)?.Name ?? p.Land!)));
                SetFacet(Facets.ThirdCountryAccess, i, h.ThirdCountryAccess is { } tca ? [(tca.Level, tca.Level)] : []);

                var doc = new Document
                {
                    new StoredField("ord", i),
                    new TextField("name", o.Name + " " + o.NameEn, Field.Store.NO),
                    new TextField("leistung", string.Join(" ", leistungen.Select(l => l.Name + " " + l.NameEn + " " + string.Join(" ", l.LeikaKeys))), Field.Store.NO),
                    new TextField("vendor", offering.VendorName, Field.Store.NO),
                    // Summary, Themenfelder, Lebenslagen, standards and description share one field: fewer term
                    // lookups per query word; the name, Leistung and vendor fields keep their own weight.
                    new TextField("text", string.Join(" ", [o.Summary,
                        .. themenfelder.Select(t => catalog.Themenfelder[t].Name),
                        .. lebenslagen.Select(l => catalog.Lebenslagen[l].Item.Name),
                        .. _cards[i].Standards.Select(s => s.Name),
                        Markdig.Markdown.ToPlainText(o.Description)]), Field.Store.NO),
                };
                writer.AddDocument(doc);
            }
            writer.ForceMerge(1);
            writer.Commit();
        }
        _byName = Enumerable.Range(0, n)
            .OrderBy(i => sortNames[i], StringComparer.Ordinal).ThenBy(i => _cards[i].Id, StringComparer.Ordinal).ToArray();
        _nameRank = new int[n];
        for (var r = 0; r < n; r++) _nameRank[_byName[r]] = r;
        _byPrice = Enumerable.Range(0, n).OrderBy(i => _cards[i].PriceFromCents).ThenBy(i => _nameRank[i]).ToArray();

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader);
        _docToOrdinal = new int[_reader.MaxDoc];
        for (var d = 0; d < _reader.MaxDoc; d++) _docToOrdinal[d] = _reader.Document(d).GetField("ord").GetInt32Value()!.Value;
        _postings = new TermPostings(SlowCompositeReaderWrapper.Wrap(_reader), _docToOrdinal, Fields, (Lucene.Net.Search.Similarities.TFIDFSimilarity)_searcher.Similarity);

        _valueBits = new ulong[Facets.All.Count][][];
        _valueTotals = new int[Facets.All.Count][];
        _facetMemberships = new int[Facets.All.Count];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            _facetValueKeys[f] = keyLists[f].ToArray();
            _facetValueLabels[f] = labelLists[f].ToArray();
            _valueBits[f] = new ulong[_facetValueKeys[f].Length][];
            _valueTotals[f] = new int[_facetValueKeys[f].Length];
            for (var v = 0; v < _valueBits[f].Length; v++) _valueBits[f][v] = new ulong[(n + 63) >> 6];
            for (var i = 0; i < n; i++)
                foreach (var v in facetValues[f][i])
                {
                    Bits.Set(_valueBits[f][v], i);
                    _valueTotals[f][v]++;
                    _facetMemberships[f]++;
                }
        }
        _keyRank = new int[Facets.All.Count][];
        _labelRank = new int[Facets.All.Count][];
        _byKeyRank = new int[Facets.All.Count][];
        _byLabelRank = new int[Facets.All.Count][];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            var keys = _facetValueKeys[f];
            var labels = _facetValueLabels[f];
            _byKeyRank[f] = Enumerable.Range(0, keys.Length).OrderBy(v => keys[v], StringComparer.Ordinal).ToArray();
            _byLabelRank[f] = Enumerable.Range(0, keys.Length).OrderBy(v => labels[v], StringComparer.Ordinal).ThenBy(v => keys[v], StringComparer.Ordinal).ToArray();
            _keyRank[f] = Inverse(_byKeyRank[f]);
            _labelRank[f] = Inverse(_byLabelRank[f]);
        }
        _countsLength = _facetValueKeys.Max(keys => keys.Length);
        _memberStart = new int[Facets.All.Count][];
        _memberValues = new int[Facets.All.Count][];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            (_memberStart[f], _memberValues[f]) = (new int[n + 1], new int[_facetMemberships[f]]);
            for (int i = 0, k = 0; i < n; i++)
            {
                foreach (var v in facetValues[f][i]) _memberValues[f][k++] = v;
                _memberStart[f][i + 1] = k;
            }
        }
        _cardJson = new Lazy<CardViewJson>(() => new CardViewJson(SearchResponseCache.Writing, _cards, _facetValueKeys, _facetValueLabels));
        static int[] Inverse(int[] order)
        {
            var inverse = new int[order.Length];
            for (var r = 0; r < order.Length; r++) inverse[order[r]] = r;
            return inverse;
        }

        void SetFacet(string facet, int ordinal, IEnumerable<(string Key, string Label)> values)
        {
            var f = FacetIndex(facet);
            var ids = new List<int>();
            foreach (var (key, label) in values)
            {
                if (!_facetValueIds[f].TryGetValue(key, out var id))
                {
                    id = keyLists[f].Count;
                    _facetValueIds[f][key] = id;
                    keyLists[f].Add(key);
                    labelLists[f].Add(label);
                }
                if (!ids.Contains(id)) ids.Add(id);
            }
            facetValues[f][ordinal] = ids.ToArray();
        }
    }

    /// <summary>The conformance badges of an offering: required standards first, then by name.</summary>
    public static IReadOnlyList<ConformanceBadge> Badges(CatalogReadModel catalog, OfferingListing listing) =>
        listing.Conformance
            .Select(c => new ConformanceBadge(c.StandardId, catalog.Standards.TryGetValue(c.StandardId, out var st) ? st.Name : c.StandardId,
                c.StandardVersion, c.Status, c.Required, c.CheckedAt))
            .OrderByDescending(b => b.Required).ThenBy(b => b.Name, StringComparer.Ordinal).ToList();

    private static int FacetIndex(string facet)
    {
        for (var i = 0; i < Facets.All.Count; i++) if (Facets.All[i] == facet) return i;
        throw new ArgumentOutOfRangeException(nameof(facet), facet, "unknown facet");
    }

    public int Count => _cards.Length;

    /// <summary>The card view's JSON fragments of this revision, encoded on the first answer.</summary>
    internal CardViewJson CardJson => _cardJson.Value;

    public SearchResult Search(SearchRequest request) => Search(request, RatingSnapshot.Empty);

    /// <summary>
    /// A search whose cards carry the ratings of <paramref name="ratings"/>, which also order sort=rating. The card view
    /// (<see cref="SearchViews.Card"/>) keeps only the facet values its lean answer shows (<see cref="SearchListResult.Keeps"/>).
    /// </summary>
    public SearchResult Search(SearchRequest request, RatingSnapshot ratings, SearchTimings? timings = null, string view = SearchViews.Full)
    {
        var t0 = timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        var n = _cards.Length;
        var scratch = SearchScratch.For(n, _countsLength);
        var matched = scratch.Bits();
        ulong[]? hits = null;
        float[]? scores = null;
        try
        {
            if (string.IsNullOrWhiteSpace(request.Q))
            {
                Bits.SetAll(matched, n);
            }
            else if (BuildQuery(request.Q) is var (strict, relaxed))
            {
                timings?.Add(ref timings.Analysis, ref t0);
                // Only the scores of matched offerings are ever read, and the collectors write each of them: a pooled buffer needs no clearing.
                scores = scratch.Scores();
                using var words = new TermPostings.WordMatches(scratch);
                _postings.Evaluate(strict, matched, scores, words);
                if (relaxed is not null && Bits.Count(matched) < FillUpBelow) FillUp(matched, relaxed, scores, words, scratch);
            }
            if (request.OnlyOfferings is { } only)
                for (var i = 0; i < n; i++)
                    if (Bits.Get(matched, i) && !only.Contains(_cards[i].Id)) matched[i >> 6] &= ~(1UL << (i & 63));
            timings?.Add(ref timings.Scoring, ref t0);
            hits = scratch.Bits();
            var facets = FilterAndCount(request, matched, hits, view == SearchViews.Card, scratch);
            timings?.Add(ref timings.Facets, ref t0);

            var sort = request.EffectiveSort;
            var skip = (request.Page - 1) * request.PageSize;
            var page = sort switch
            {
                SortOrders.Relevance when scores is not null => TopByScore(hits, scores, skip, request.PageSize),
                SortOrders.Rating => ByRating(hits, ratings, skip, request.PageSize),
                _ => InOrder(sort == SortOrders.Price ? _byPrice : _byName, hits, skip, request.PageSize),
            };
            timings?.Add(ref timings.Paging, ref t0);
            var items = new OfferingCard[page.Count];
            for (var k = 0; k < items.Length; k++)
            {
                var card = _cards[page[k]];
                items[k] = ratings.For(card.Id) is { } rating ? card with { Rating = rating } : card;
            }
            var result = new SearchResult(Revision, Bits.Count(hits), request.Page, request.PageSize, sort, items, [.. page], facets);
            timings?.Add(ref timings.Cards, ref t0);
            return result;
        }
        finally
        {
            if (scores is not null) scratch.Return(scores);
            scratch.Return(matched);
            if (hits is not null) scratch.Return(hits);
        }
    }

    /// <summary>
    /// The hits (matches passing every filter: AND across facets, OR within one, each filter a bitset) and the facet counts.
    /// A facet's counts use every filter but its own (drill sideways). Counting walks the few offerings of a small set, and
    /// intersects precomputed per-value bitsets with a large one.
    /// </summary>
    private FacetCounts FilterAndCount(SearchRequest request, ulong[] matched, ulong[] hits, bool lean, SearchScratch scratch)
    {
        var facetCount = Facets.All.Count;
        var selected = new bool[facetCount][];
        var passes = new ulong[facetCount][];
        Span<int> limits = stackalloc int[facetCount];
        var entries = 0; // at most a facet's limit plus its selected values
        try
        {
            for (var f = 0; f < facetCount; f++)
            {
                limits[f] = lean ? SearchListResult.Keeps(Facets.All[f], MaxFacetValues) : MaxFacetValues;
                entries += Math.Min(limits[f], _facetValueKeys[f].Length);
                var values = request.Values(Facets.All[f]);
                if (values.Count == 0) continue;
                selected[f] = new bool[_facetValueKeys[f].Length];
                passes[f] = scratch.Bits();
                foreach (var v in values)
                    if (_facetValueIds[f].TryGetValue(v, out var id))
                    {
                        if (!selected[f][id]) entries++;
                        selected[f][id] = true;
                        Bits.Or(passes[f], _valueBits[f][id]);
                    }
            }

            Array.Copy(matched, hits, matched.Length);
            for (var f = 0; f < facetCount; f++) if (passes[f] is { } pass) Bits.And(hits, pass);
            var hitCount = Bits.Count(hits);
            var lists = new FacetCount[entries];
            var start = new int[facetCount + 1];
            for (var f = 0; f < facetCount; f++)
            {
                var (basis, basisCount) = (hits, hitCount);
                if (passes[f] is not null)
                {
                    basis = scratch.Bits();
                    Array.Copy(matched, basis, matched.Length);
                    for (var g = 0; g < facetCount; g++) if (g != f && passes[g] is { } pass) Bits.And(basis, pass);
                    basisCount = Bits.Count(basis);
                }
                var counts = scratch.Counts(_facetValueKeys[f].Length);
                CountValues(f, basis, basisCount, counts);
                if (basis != hits) scratch.Return(basis);
                start[f + 1] = start[f] + FacetList(f, counts.AsSpan(0, _facetValueKeys[f].Length), selected[f], limits[f], lists.AsSpan(start[f]));
                scratch.Return(counts);
            }
            return new FacetCounts(lists, start, _facetValueKeys, _facetValueLabels);
        }
        finally
        {
            foreach (var pass in passes) if (pass is not null) scratch.Return(pass);
        }
    }

    /// <summary>
    /// The counts of facet <paramref name="f"/>'s values among the offerings of <paramref name="basis"/>, the cheapest of
    /// three ways: walking its members (a step per value of each), walking the offerings outside it and subtracting from the
    /// totals (a large set, as when most offerings match), or intersecting each value's bitset with it (a word per 64 offerings).
    /// </summary>
    private void CountValues(int f, ulong[] basis, int basisCount, int[] counts)
    {
        var n = _cards.Length;
        var values = _facetValueKeys[f].Length;
        // Measured: an increment per value of a member costs about eight times a word of a bitset intersection (four
        // before Bits.CountAnd summed four words side by side).
        var perMember = (double)_facetMemberships[f] / Math.Max(1, n);
        var walk = 8 * basisCount * perMember;
        var walkOutside = 8 * (n - basisCount) * perMember + values;
        var intersect = (double)values * basis.Length;
        var (start, valuesOf) = (_memberStart[f], _memberValues[f]);
        if (walk <= walkOutside && walk <= intersect)
        {
            for (var w = 0; w < basis.Length; w++)
                for (var word = basis[w]; word != 0; word &= word - 1)
                {
                    var i = (w << 6) + BitOperations.TrailingZeroCount(word);
                    for (var k = start[i]; k < start[i + 1]; k++) counts[valuesOf[k]]++;
                }
        }
        else if (walkOutside <= intersect)
        {
            Array.Copy(_valueTotals[f], counts, values);
            for (var w = 0; w < basis.Length; w++)
            {
                var outside = ~basis[w];
                if (w == basis.Length - 1 && (n & 63) != 0) outside &= (1UL << (n & 63)) - 1;
                for (; outside != 0; outside &= outside - 1)
                {
                    var i = (w << 6) + BitOperations.TrailingZeroCount(outside);
                    for (var k = start[i]; k < start[i + 1]; k++) counts[valuesOf[k]]--;
                }
            }
        }
        else
        {
            for (var v = 0; v < values; v++) counts[v] = Bits.CountAnd(basis, _valueBits[f][v]);
        }
    }

    /// <summary>The page of hits in a precomputed order (name, or price then name): no sorting per request.</summary>
    private static List<int> InOrder(int[] order, ulong[] hits, int skip, int take)
    {
        var page = new List<int>(take);
        foreach (var i in order)
        {
            if (!Bits.Get(hits, i)) continue;
            if (skip > 0) { skip--; continue; }
            page.Add(i);
            if (page.Count == take) break;
        }
        return page;
    }

    /// <summary>The page of hits by rating: ratings change between revisions, so this order is computed per request.</summary>
    private List<int> ByRating(ulong[] hits, RatingSnapshot ratings, int skip, int take) =>
        Bits.Ones(hits).Select(i => (Ordinal: i, Rating: ratings.For(_cards[i].Id)))
            .OrderByDescending(x => x.Rating?.Average ?? -1).ThenByDescending(x => x.Rating?.Count ?? 0).ThenBy(x => _nameRank[x.Ordinal])
            .Skip(skip).Take(take).Select(x => x.Ordinal).ToList();

    /// <summary>The page of hits by score, ties by name: keeps only the best skip+take in a heap instead of sorting all hits.</summary>
    private List<int> TopByScore(ulong[] hits, float[] scores, int skip, int take)
    {
        var k = skip + take;
        // Min-heap on (score, -nameRank) packed into one number: its root is the worst of the best k seen so far; a hit no
        // better than it is passed over.
        var heap = new PriorityQueue<int, ulong>(Math.Min(k, Bits.Count(hits)) + 1);
        var worst = 0UL; // the heap's root once it holds k: most hits are no better, and are passed over without a look at the heap
        for (var w = 0; w < hits.Length; w++)
            for (var word = hits[w]; word != 0; word &= word - 1)
            {
                var i = (w << 6) + BitOperations.TrailingZeroCount(word);
                var priority = ((ulong)Ordered(scores[i]) << 32) | (uint)(int.MaxValue - _nameRank[i]);
                if (heap.Count < k)
                {
                    heap.Enqueue(i, priority);
                    if (heap.Count == k) heap.TryPeek(out _, out worst);
                }
                else if (priority > worst)
                {
                    heap.EnqueueDequeue(i, priority);
                    heap.TryPeek(out _, out worst);
                }
            }
        var best = new int[heap.Count];
        for (var r = best.Length - 1; r >= 0; r--) best[r] = heap.Dequeue();
        return best.Length <= skip ? [] : best[skip..].ToList();
    }

    /// <summary>A float's bits turned so that unsigned order is the float's order (scores are never NaN).</summary>
    private static uint Ordered(float score)
    {
        var bits = BitConverter.SingleToUInt32Bits(score);
        return (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
    }

    /// <summary>
    /// A facet's values with counts: ordered by count (Reifegrad and Land by their key), at most <paramref name="limit"/> of
    /// them, selected values always included (after the others when beyond the limit), written to <paramref name="list"/>; returns
    /// how many. Only the best <paramref name="limit"/> are kept while walking the values: a facet of hundreds of Leistungen is
    /// not sorted to show twelve.
    /// </summary>
    private int FacetList(int f, ReadOnlySpan<int> counts, bool[]? selected, int limit, Span<FacetCount> list)
    {
        // One long per value orders them without comparing strings: by key rank, or by count (descending) then label rank.
        var byKey = Facets.All[f] is Facets.Reifegrad or Facets.Land or Facets.DataLand;
        var rank = byKey ? _keyRank[f] : _labelRank[f];
        var values = _facetValueKeys[f].Length;
        Span<long> best = stackalloc long[Math.Min(limit, values)];
        var kept = 0;
        for (var v = 0; v < values; v++)
        {
            if (counts[v] == 0 && selected?[v] != true) continue;
            var order = byKey ? rank[v] : ((long)(int.MaxValue - counts[v]) << 32) | (uint)rank[v];
            if (kept < best.Length) best[kept++] = order;
            else if (order < best[^1]) best[^1] = order;
            else continue;
            for (var j = kept - 1; j > 0 && best[j] < best[j - 1]; j--) (best[j], best[j - 1]) = (best[j - 1], best[j]);
        }
        var byRank = byKey ? _byKeyRank[f] : _byLabelRank[f];
        var written = 0;
        foreach (var order in best[..kept]) Add(byRank[(int)(order & uint.MaxValue)], counts, list);
        if (selected is null || kept < best.Length) return written;
        // Selected values that did not make the best follow in their order.
        var rest = new List<long>();
        for (var v = 0; v < values; v++)
            if (selected[v] && (byKey ? rank[v] : ((long)(int.MaxValue - counts[v]) << 32) | (uint)rank[v]) is var order && order > best[^1])
                rest.Add(order);
        rest.Sort();
        foreach (var order in rest) Add(byRank[(int)(order & uint.MaxValue)], counts, list);
        return written;

        void Add(int v, ReadOnlySpan<int> counts, Span<FacetCount> list) => list[written++] = new FacetCount(v, counts[v], selected?[v] == true);
    }

    public const int MaxFacetValues = 50;

    /// <summary>
    /// The query of a search text, strict and relaxed. Strict: every word that carries meaning must match somewhere (AND);
    /// low-weight words ("beantragen", "online") may match and then add a little. Relaxed (for two words or more), used only when the
    /// strict query matches few offerings (<see cref="FillUpBelow"/>): any word may match, and an offering matching more of
    /// them ranks higher, so a query with one word the catalogue does not know still finds what the others name. A word matches by itself, by its alternatives
    /// from the synonym list, or (a compound of two or more parts) by all of its parts; the word itself scores highest.
    /// </summary>
    private (QueryNode Strict, QueryNode? Relaxed)? BuildQuery(string q)
    {
        var groups = _analyzer.WordGroups(q);
        if (groups.Count == 0) return null;
        var strict = new List<(QueryNode, bool)>();
        var relaxed = new List<(QueryNode, bool)>();
        foreach (var group in groups)
        {
            var word = new List<(QueryNode, bool)> { (new TermNode(group[0], 2f), false) };
            // Parts stand in for the word only when there are at least two: "ummeldung" must not
            // degrade to its one dictionary part "meldung" and find every An- and Abmeldung.
            if (group.Count > 2)
                word.Add((new BoolNode([.. group.Skip(1).Select(part => ((QueryNode)new TermNode(part, 1f), true))], 1f), false));
            foreach (var alternative in _analyzer.Alternatives(group[0]))
                word.Add(alternative is [var single]
                    ? (new TermNode(single, 1.5f), false)
                    : (new BoolNode([.. alternative.Select(term => ((QueryNode)new TermNode(term, 1.5f), true))], 1f), false));
            var lowWeight = _analyzer.IsLowWeight(group[0]);
            var wordQuery = new BoolNode(word, lowWeight ? LowWeight : 1f);
            strict.Add((wordQuery, !lowWeight));
            relaxed.Add((wordQuery, false));
        }
        return (new BoolNode(strict, 1f), groups.Count > 1 ? new BoolNode(relaxed, 1f) : null);
    }

    /// <summary>
    /// A search whose every word matches fewer offerings than this is filled up with the offerings matching only some words,
    /// ranked after all full matches. The threshold depends on the text alone, so pages and filters of one search agree.
    /// </summary>
    public const int FillUpBelow = 10;

    /// <summary>Adds the relaxed query's hits to <paramref name="matched"/>; the scores put every full match above every partial one.</summary>
    private void FillUp(ulong[] matched, QueryNode relaxed, float[] scores, TermPostings.WordMatches words, SearchScratch scratch)
    {
        var partial = scratch.Bits();
        try
        {
            _postings.Evaluate(relaxed, partial, scores, words);
            var offset = 0f;
            for (var w = 0; w < partial.Length; w++)
                for (var word = partial[w]; word != 0; word &= word - 1)
                    offset = Math.Max(offset, scores[(w << 6) + BitOperations.TrailingZeroCount(word)]);
            for (var w = 0; w < matched.Length; w++)
                for (var word = matched[w]; word != 0; word &= word - 1)
                    scores[(w << 6) + BitOperations.TrailingZeroCount(word)] += offset + 1;
            Bits.Or(matched, partial);
        }
        finally
        {
            scratch.Return(partial);
        }
    }

    /// <summary>How much a low-weight word counts against a word that carries meaning.</summary>
    private const float LowWeight = 0.2f;

    /// <summary>
    /// The reference the own scorer (<see cref="TermPostings"/>) is checked against: the same query run by Lucene's scorers.
    /// Offering ordinal → score, for the strict query or the relaxed one; empty when the text has no word.
    /// </summary>
    internal (IReadOnlyDictionary<int, float> Own, IReadOnlyDictionary<int, float> Lucene) ScoresBothWays(string q, bool relaxed)
    {
        var own = new Dictionary<int, float>();
        var lucene = new Dictionary<int, float>();
        if (BuildQuery(q) is not var (strictQuery, relaxedQuery) || (relaxed ? relaxedQuery : strictQuery) is not { } query) return (own, lucene);
        var n = _cards.Length;
        var (bits, scores) = (new ulong[(n + 63) >> 6], new float[n]);
        _postings.Evaluate(query, bits, scores);
        foreach (var i in Bits.Ones(bits)) own[i] = scores[i];
        (bits, scores) = (new ulong[(n + 63) >> 6], new float[n]);
        _searcher.Search(ToLucene(query), new AllHitsCollector(_docToOrdinal, bits, scores));
        foreach (var i in Bits.Ones(bits)) lucene[i] = scores[i];
        return (own, lucene);
    }

    private static Query ToLucene(QueryNode node)
    {
        switch (node)
        {
            case TermNode term:
                var anyField = new DisjunctionMaxQuery(TermPostings.TieBreaker);
                foreach (var (field, fieldBoost) in Fields) anyField.Add(new TermQuery(new Term(field, term.Term)) { Boost = fieldBoost * term.Boost });
                return anyField;
            case BoolNode all:
                var query = new BooleanQuery { Boost = all.Boost };
                foreach (var (clause, must) in all.Clauses) query.Add(ToLucene(clause), must ? Occur.MUST : Occur.SHOULD);
                return query;
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }

    private sealed class AllHitsCollector(int[] docToOrdinal, ulong[] matched, float[] scores) : ICollector
    {
        private Scorer? _scorer;
        private int _docBase;
        public void SetScorer(Scorer scorer) => _scorer = scorer;
        public void Collect(int doc)
        {
            var ordinal = docToOrdinal[_docBase + doc];
            Bits.Set(matched, ordinal);
            scores[ordinal] = _scorer!.GetScore();
        }
        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;
        public bool AcceptsDocsOutOfOrder => true;
    }
}
