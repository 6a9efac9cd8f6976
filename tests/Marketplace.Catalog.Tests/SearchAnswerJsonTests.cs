using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>
/// The card view's answer is written from fragments encoded once per index, with only the facet values it shows counted
/// into lists. Both shortcuts must give the bytes the serialiser writes from the full result: checked on the seed catalogue
/// for searches with text, filters (selected values beyond the shown ones too), sorts, pages and ratings.
/// </summary>
public class SearchAnswerJsonTests
{
    private CatalogSearchIndex _index = null!;

    [OneTimeSetUp]
    public void Build() => _index = new CatalogSearchIndex(
        SnapshotReadModel.Build(CatalogLoader.Load(RepoPaths.Catalog).Snapshot!, SnapshotReadModel.Checked),
        GermanSearchAnalyzer.FromCatalogFolder(RepoPaths.Catalog));

    [OneTimeTearDown]
    public void Dispose() => _index.Dispose();

    [Test]
    public void The_card_view_written_from_fragments_equals_the_serialisers_answer_for_every_search()
    {
        var all = _index.Search(new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>>()));
        var leistungen = all.Facets[Facets.Leistung];
        Assert.That(leistungen, Has.Count.GreaterThan(SearchListResult.MaxFacetValues),
            "the seed catalogue has more Leistungen than the card view shows, so the cut is tested");
        var rarest = leistungen[^1].Value;
        var filters = new[]
        {
            new Dictionary<string, IReadOnlyList<string>>(),
            new() { [Facets.Land] = ["BY"] },
            new() { [Facets.Land] = ["NW", "HE"], [Facets.Reifegrad] = ["3", "4"] },
            new() { [Facets.Leistung] = [rarest] }, // selected, and beyond the twelve values shown
            new() { [Facets.Leistung] = [leistungen[0].Value, rarest], [Facets.Land] = ["SN"] },
            new() { [Facets.Orderable] = ["false"] },
            new() { [Facets.Vendor] = ["no-such-vendor"] },
        };
        var ratings = new[]
        {
            RatingSnapshot.Empty,
            new RatingSnapshot(3, all.Items.Take(3).Select((c, i) => (c.Id, new RatingSummary(3 + i * 0.5, i + 1))).ToDictionary()),
        };
        var compared = 0;
        foreach (var q in new string?[] { null, "ummeldung", "Kfz Zulassung", "gewerbe anmelden", "online", "xyzzy" })
        foreach (var filter in filters)
        foreach (var (sort, page, pageSize) in new[] { ((string?)null, 1, 20), (SortOrders.Price, 1, 5), (SortOrders.Rating, 2, 3), (SortOrders.Name, 1, 100) })
        foreach (var rating in ratings)
        {
            var request = new SearchRequest(q, filter, sort, page, pageSize);
            var fast = SearchResponseCache.Serialize(_index, _index.Search(request, rating, view: SearchViews.Card), SearchViews.Card);
            var reference = new System.Buffers.ArrayBufferWriter<byte>();
            SearchResponseCache.WriteBySerializer(reference, _index.Search(request, rating), SearchViews.Card);
            Assert.That(System.Text.Encoding.UTF8.GetString(fast), Is.EqualTo(System.Text.Encoding.UTF8.GetString(reference.WrittenSpan)),
                $"q={q} filters={string.Join("&", filter.Select(f => f.Key + "=" + string.Join(",", f.Value)))} sort={sort} page={page}");
            compared++;
        }
        Assert.That(compared, Is.EqualTo(6 * 7 * 4 * 2));
    }

    [Test]
    public void The_full_view_keeps_up_to_fifty_values_of_a_facet_and_the_card_view_twelve_plus_the_selected()
    {
        var all = _index.Search(new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>>()));
        var rarest = all.Facets[Facets.Leistung][^1].Value;
        var request = new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>> { [Facets.Leistung] = [rarest] });

        var card = _index.Search(request, RatingSnapshot.Empty, view: SearchViews.Card).Facets[Facets.Leistung];
        var full = _index.Search(request).Facets[Facets.Leistung];

        Assert.That(full.Count, Is.GreaterThan(SearchListResult.MaxFacetValues + 1).And.AtMost(CatalogSearchIndex.MaxFacetValues));
        Assert.That(card.Select(v => v.Value), Is.EqualTo(full.Take(SearchListResult.MaxFacetValues).Select(v => v.Value).Append(rarest)));
        Assert.That(card[^1].Selected, Is.True);
    }
}
