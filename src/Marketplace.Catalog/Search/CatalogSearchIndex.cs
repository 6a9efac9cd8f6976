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
        [("name", 4f), ("leistung", 3f), ("vendor", 2f), ("summary", 1.5f), ("context", 1f), ("description", 1f)];

    private readonly GermanSearchAnalyzer _analyzer;
    private readonly RAMDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly int[] _docToOrdinal;
    private readonly OfferingCard[] _cards;
    private readonly string[] _sortNames;
    private readonly int[][][] _facetValues; // [facet][ordinal] → value ids
    private readonly string[][] _facetValueKeys; // [facet][value id] → value
    private readonly string[][] _facetValueLabels;
    private readonly Dictionary<string, int>[] _facetValueIds;

    public CatalogReadModel Catalog { get; }
    public long Revision => Catalog.Revision;

    public CatalogSearchIndex(CatalogReadModel catalog, GermanSearchAnalyzer analyzer)
    {
        Catalog = catalog;
        _analyzer = analyzer;
        var n = catalog.Offerings.Count;
        _cards = new OfferingCard[n];
        _sortNames = new string[n];
        _facetValues = new int[Facets.All.Count][][];
        _facetValueKeys = new string[Facets.All.Count][];
        _facetValueLabels = new string[Facets.All.Count][];
        _facetValueIds = new Dictionary<string, int>[Facets.All.Count];
        var keyLists = new List<string>[Facets.All.Count];
        var labelLists = new List<string>[Facets.All.Count];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            _facetValues[f] = new int[n][];
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
                    !OfferingPricing.PriceModels(o).SequenceEqual([OfferingPricing.StandardOnly]));
                _sortNames[i] = o.Name.ToLowerInvariant();

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

                var doc = new Document
                {
                    new StoredField("ord", i),
                    new TextField("name", o.Name + " " + o.NameEn, Field.Store.NO),
                    new TextField("leistung", string.Join(" ", leistungen.Select(l => l.Name + " " + l.NameEn + " " + string.Join(" ", l.LeikaKeys))), Field.Store.NO),
                    new TextField("vendor", offering.VendorName, Field.Store.NO),
                    new TextField("summary", o.Summary, Field.Store.NO),
                    new TextField("context", string.Join(" ", themenfelder.Select(t => catalog.Themenfelder[t].Name)
                        .Concat(lebenslagen.Select(l => catalog.Lebenslagen[l].Item.Name))
                        .Concat(_cards[i].Standards.Select(s => s.Name))), Field.Store.NO),
                    new TextField("description", Markdig.Markdown.ToPlainText(o.Description), Field.Store.NO),
                };
                writer.AddDocument(doc);
            }
            writer.ForceMerge(1);
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader);
        _docToOrdinal = new int[_reader.MaxDoc];
        for (var d = 0; d < _reader.MaxDoc; d++) _docToOrdinal[d] = _reader.Document(d).GetField("ord").GetInt32Value()!.Value;

        for (var f = 0; f < Facets.All.Count; f++)
        {
            _facetValueKeys[f] = keyLists[f].ToArray();
            _facetValueLabels[f] = labelLists[f].ToArray();
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
            _facetValues[f][ordinal] = ids.ToArray();
        }
    }

    private static int FacetIndex(string facet)
    {
        for (var i = 0; i < Facets.All.Count; i++) if (Facets.All[i] == facet) return i;
        throw new ArgumentOutOfRangeException(nameof(facet), facet, "unknown facet");
    }

    public int Count => _cards.Length;

    public SearchResult Search(SearchRequest request)
    {
        var n = _cards.Length;
        float[]? scores = null;
        bool[] matched;
        if (string.IsNullOrWhiteSpace(request.Q))
        {
            matched = new bool[n];
            Array.Fill(matched, true);
        }
        else
        {
            matched = new bool[n];
            scores = new float[n];
            var query = BuildQuery(request.Q);
            if (query is not null)
            {
                var collector = new AllHitsCollector(_docToOrdinal, matched, scores);
                _searcher.Search(query, collector);
            }
        }

        // Which filter each offering passes; a facet's counts take every other facet's filter into account.
        var facetCount = Facets.All.Count;
        var selected = new HashSet<int>?[facetCount];
        for (var f = 0; f < facetCount; f++)
        {
            var values = request.Values(Facets.All[f]);
            if (values.Count == 0) continue;
            selected[f] = values.Select(v => _facetValueIds[f].TryGetValue(v, out var id) ? id : -1).ToHashSet();
        }
        var counts = new int[facetCount][];
        for (var f = 0; f < facetCount; f++) counts[f] = new int[_facetValueKeys[f].Length];
        var hits = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (!matched[i]) continue;
            var failedFacet = -1;
            var failures = 0;
            for (var f = 0; f < facetCount && failures < 2; f++)
            {
                if (selected[f] is not { } wanted) continue;
                var pass = false;
                foreach (var v in _facetValues[f][i]) if (wanted.Contains(v)) { pass = true; break; }
                if (!pass) { failures++; failedFacet = f; }
            }
            if (failures >= 2) continue;
            if (failures == 0) hits.Add(i);
            for (var f = 0; f < facetCount; f++)
            {
                if (failures == 1 && f != failedFacet) continue;
                foreach (var v in _facetValues[f][i]) counts[f][v]++;
            }
        }

        var sort = request.EffectiveSort;
        Comparison<int> byName = (a, b) =>
        {
            var c = string.CompareOrdinal(_sortNames[a], _sortNames[b]);
            return c != 0 ? c : string.CompareOrdinal(_cards[a].Id, _cards[b].Id);
        };
        hits.Sort(sort switch
        {
            SortOrders.Price => (a, b) => _cards[a].PriceFromCents != _cards[b].PriceFromCents
                ? _cards[a].PriceFromCents.CompareTo(_cards[b].PriceFromCents) : byName(a, b),
            SortOrders.Relevance when scores is not null => (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : byName(a, b),
            _ => byName,
        });

        var page = hits.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).Select(i => _cards[i]).ToList();
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        for (var f = 0; f < facetCount; f++)
        {
            var list = new List<FacetValue>();
            var wanted = request.Values(Facets.All[f]);
            for (var v = 0; v < counts[f].Length; v++)
            {
                var isSelected = wanted.Contains(_facetValueKeys[f][v]);
                if (counts[f][v] > 0 || isSelected)
                    list.Add(new FacetValue(_facetValueKeys[f][v], _facetValueLabels[f][v], counts[f][v], isSelected));
            }
            list.Sort((a, b) => Facets.All[f] is Facets.Reifegrad or Facets.Land
                ? string.CompareOrdinal(a.Value, b.Value)
                : b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.Compare(a.Label, b.Label, StringComparison.CurrentCulture));
            facets[Facets.All[f]] = list;
        }
        return new SearchResult(Revision, hits.Count, request.Page, request.PageSize, sort, page, facets);
    }

    /// <summary>
    /// Every word must match somewhere (AND). A word matches by itself, or (for a compound of two or more parts) by all of its parts,
    /// in any field, the whole word scoring higher.
    /// </summary>
    private Query? BuildQuery(string q)
    {
        var groups = _analyzer.WordGroups(q);
        if (groups.Count == 0) return null;
        var all = new BooleanQuery();
        foreach (var group in groups)
        {
            var word = new BooleanQuery { { AnyField(group[0], 2f), Occur.SHOULD } };
            // Parts stand in for the word only when there are at least two: "ummeldung" must not
            // degrade to its one dictionary part "meldung" and find every An- and Abmeldung.
            if (group.Count > 2)
            {
                var parts = new BooleanQuery();
                foreach (var part in group.Skip(1)) parts.Add(AnyField(part, 1f), Occur.MUST);
                word.Add(parts, Occur.SHOULD);
            }
            all.Add(word, Occur.MUST);
        }
        return all;
    }

    private static Query AnyField(string term, float boost)
    {
        var q = new DisjunctionMaxQuery(0.1f);
        foreach (var (field, fieldBoost) in Fields) q.Add(new TermQuery(new Term(field, term)) { Boost = fieldBoost * boost });
        return q;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }

    private sealed class AllHitsCollector(int[] docToOrdinal, bool[] matched, float[] scores) : ICollector
    {
        private Scorer? _scorer;
        private int _docBase;
        public void SetScorer(Scorer scorer) => _scorer = scorer;
        public void Collect(int doc)
        {
            var ordinal = docToOrdinal[_docBase + doc];
            matched[ordinal] = true;
            scores[ordinal] = _scorer!.GetScore();
        }
        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;
        public bool AcceptsDocsOutOfOrder => true;
    }
}
