using Marketplace.Catalog.Search;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

public class CatalogSearchIndexTests
{
    private CatalogSearchIndex _index = null!;

    [OneTimeSetUp]
    public void Build() => _index = new CatalogSearchIndex(TestCatalogue.Build(
        TestCatalogue.Offering("melde-a", "Wohnsitzummeldung online", "alpha", "10001", "Die **Wohnsitzummeldung** ohne Termin.", reifegrad: 4, listValue: 30_000, standards: ["fit-connect", "bitv"]),
        TestCatalogue.Offering("melde-b", "Meldeportal", "beta", "10001", "An- und Abmeldung des Wohnsitzes.", reifegrad: 3, listValue: 20_000, laender: ["BY"], addOn: true),
        TestCatalogue.Offering("kfz-a", "i-Kfz Fahrzeugzulassung", "alpha", "10002", "Zulassung von Fahrzeugen über das Internet.", listValue: 50_000, metered: true, standards: ["fit-connect"]),
        TestCatalogue.Offering("kfz-b", "Zulassungsdienst", "beta", "10002", "Für die Zulassungsstelle; Straßenverkehrsamt.", listValue: 40_000, setup: true, laender: ["HH", "BE"]),
        TestCatalogue.Offering("gewerbe-a", "Gewerbe digital", "alpha", "10003", "Gewerbeanmeldung, Ummeldung und Abmeldung.", listValue: 10_000)),
        new GermanSearchAnalyzer(TestCatalogue.Dictionary));

    [OneTimeTearDown]
    public void Dispose() => _index.Dispose();

    private SearchResult Search(string? q, string? sort = null, int page = 1, int pageSize = 20, params (string Facet, string[] Values)[] filters) =>
        _index.Search(new SearchRequest(q, filters.ToDictionary(f => f.Facet, f => (IReadOnlyList<string>)f.Values), sort, page, pageSize));

    private static string[] Ids(SearchResult r) => r.Items.Select(i => i.Id).ToArray();

    [Test]
    public void A_word_finds_it_inside_a_compound()
    {
        // "ummeldung" stands alone only in gewerbe-a; melde-a has it only inside "Wohnsitzummeldung".
        Assert.That(Ids(Search("ummeldung")), Is.EquivalentTo(new[] { "melde-a", "gewerbe-a" }));
    }

    [Test]
    public void A_compound_query_finds_its_parts_written_apart()
    {
        // "Wohnsitzabmeldung" matches "Abmeldung des Wohnsitzes" by its parts; melde-a has Wohnsitz but no Abmeldung.
        Assert.That(Ids(Search("Wohnsitzabmeldung")), Is.EquivalentTo(new[] { "melde-b" }));
    }

    [Test]
    public void Kfz_Zulassung_finds_the_Kfz_offerings_and_nothing_else()
    {
        // kfz-b says "Kfz" nowhere itself, but its Leistung belongs to the Lebenslage "Kfz-Besitz".
        Assert.That(Ids(Search("Kfz Zulassung")), Is.EquivalentTo(new[] { "kfz-a", "kfz-b" }));
        Assert.That(Ids(Search("Zulassung")), Is.EquivalentTo(new[] { "kfz-a", "kfz-b" }));
    }

    [TestCase("Strassenverkehrsamt")]
    [TestCase("straßenverkehrsamt")]
    [TestCase("STRASSENVERKEHRSAMT")]
    public void Sharp_s_and_ss_fold(string q) => Assert.That(Ids(Search(q)), Is.EqualTo(new[] { "kfz-b" }));

    [TestCase("Wohnsitzummeldüng")]
    [TestCase("Wohnsitzummeldueng")]
    public void Umlauts_and_their_ae_oe_ue_spelling_fold(string q) => Assert.That(Ids(Search(q)), Does.Contain("melde-a"));

    [Test]
    public void Stemming_matches_inflected_forms() => Assert.That(Ids(Search("Wohnsitzes")), Does.Contain("melde-b"));

    [Test]
    public void Offerings_matching_every_word_rank_before_those_matching_some()
    {
        // gewerbe-a has both words; melde-a only "Ummeldung" (inside "Wohnsitzummeldung"), and its name weighs more.
        Assert.That(Ids(Search("Ummeldung Gewerbe")), Is.EqualTo(new[] { "gewerbe-a", "melde-a" }));
    }

    [Test]
    public void Words_no_offering_has_together_find_the_offerings_having_some_of_them_instead_of_nothing()
    {
        var result = Search("Zulassung Gewerbe");
        Assert.That(Ids(result), Is.EquivalentTo(new[] { "kfz-a", "kfz-b", "gewerbe-a" }));
        Assert.That(result.Total, Is.EqualTo(3));
        Assert.That(result.Facets[Facets.Vendor].Sum(v => v.Count), Is.EqualTo(3), "facets count the partial matches too");
        Assert.That(Ids(Search("Zulassung Gewerbe", filters: (Facets.Vendor, ["beta"]))), Is.EqualTo(new[] { "kfz-b" }));
    }

    [Test]
    public void A_word_unknown_to_the_catalogue_does_not_hide_what_the_other_words_find() =>
        Assert.That(Ids(Search("Gewerbe Quatschwort")), Is.EqualTo(new[] { "gewerbe-a" }));

    [Test]
    public void Synonyms_and_low_weight_words_come_from_the_vocabulary()
    {
        using var index = new CatalogSearchIndex(TestCatalogue.Build(
                TestCatalogue.Offering("kfz-a", "i-Kfz Fahrzeugzulassung", "alpha", "10002", "Zulassung von Fahrzeugen über das Internet."),
                TestCatalogue.Offering("gewerbe-a", "Gewerbe digital", "alpha", "10003", "Gewerbeanmeldung online beantragen.")),
            new GermanSearchAnalyzer(TestCatalogue.Dictionary, lowWeightWords: ["beantragen", "online"], synonyms: [("Auto", ["Kfz", "Kraftfahrzeug"])]));
        string[] Find(string q) => index.Search(new SearchRequest(q, new Dictionary<string, IReadOnlyList<string>>())).Items.Select(i => i.Id).ToArray();

        Assert.That(Find("Auto"), Is.EqualTo(new[] { "kfz-a" }), "an alternative finds what the word itself does not");
        Assert.That(Find("AUTO"), Is.EqualTo(new[] { "kfz-a" }), "the vocabulary is analysed like the text");
        // "beantragen" and "online" appear only at gewerbe-a: as low-weight words they must not outrank the Kfz offering.
        Assert.That(Find("Auto online beantragen")[0], Is.EqualTo("kfz-a"));
        Assert.That(Find("Kfz beantragen")[0], Is.EqualTo("kfz-a"));
    }

    [Test]
    public void A_synonym_line_without_a_colon_is_reported()
    {
        using var folder = new CatalogFolder();
        File.AppendAllText(folder.File_("search/synonyms-de.txt"), "\nperso personalausweis\n");
        Assert.That(() => GermanSearchAnalyzer.FromCatalogFolder(folder.Path),
            Throws.TypeOf<FormatException>().With.Message.Contains("perso personalausweis"));
    }

    [Test]
    public void The_vendor_name_is_searchable() => Assert.That(Ids(Search("Beta")), Is.EquivalentTo(new[] { "melde-b", "kfz-b" }));

    [Test]
    public void The_name_weighs_more_than_the_description()
    {
        var result = Search("Wohnsitzummeldung");
        Assert.That(Ids(result)[0], Is.EqualTo("melde-a"));
        Assert.That(result.Sort, Is.EqualTo(SortOrders.Relevance));
    }

    [Test]
    public void Facet_counts_cover_all_matches()
    {
        var result = Search(null);
        Assert.That(result.Total, Is.EqualTo(5));
        var vendor = result.Facets[Facets.Vendor].ToDictionary(f => f.Value, f => f.Count);
        Assert.That(vendor, Is.EquivalentTo(new Dictionary<string, int> { ["alpha"] = 3, ["beta"] = 2 }));
        var leistung = result.Facets[Facets.Leistung].ToDictionary(f => f.Value, f => f.Count);
        Assert.That(leistung["10001"], Is.EqualTo(2));
        var lebenslage = result.Facets[Facets.Lebenslage].ToDictionary(f => f.Value, f => f.Count);
        Assert.That(lebenslage["umzug"], Is.EqualTo(4)); // Wohnsitz and Kfz offerings belong to Umzug
        var land = result.Facets[Facets.Land].ToDictionary(f => f.Value, f => f.Count);
        Assert.That(land, Is.EquivalentTo(new Dictionary<string, int> { ["BY"] = 4, ["HH"] = 4, ["BE"] = 4 }));
        var price = result.Facets[Facets.PriceModel].ToDictionary(f => f.Value, f => f.Count);
        Assert.That(price, Is.EquivalentTo(new Dictionary<string, int> { ["standard"] = 2, ["addons"] = 1, ["metered"] = 1, ["setup"] = 1 }));
    }

    [Test]
    public void Filters_are_OR_within_a_facet_and_AND_across_facets()
    {
        Assert.That(Ids(Search(null, filters: (Facets.Leistung, ["10001", "10003"]))), Is.EquivalentTo(new[] { "melde-a", "melde-b", "gewerbe-a" }));
        Assert.That(Ids(Search(null, filters: [(Facets.Leistung, ["10001", "10003"]), (Facets.Vendor, ["beta"])])), Is.EqualTo(new[] { "melde-b" }));
        Assert.That(Ids(Search(null, filters: [(Facets.Land, ["HH"]), (Facets.Leistung, ["10001"])])), Is.EqualTo(new[] { "melde-a" }));
    }

    [Test]
    public void A_facet_counts_as_if_its_own_filter_were_not_set()
    {
        var result = Search(null, filters: [(Facets.Vendor, ["beta"]), (Facets.Leistung, ["10002"])]);
        Assert.That(Ids(result), Is.EqualTo(new[] { "kfz-b" }));
        // Vendor counts: everything that passes the Leistung filter.
        Assert.That(result.Facets[Facets.Vendor].ToDictionary(f => f.Value, f => f.Count),
            Is.EquivalentTo(new Dictionary<string, int> { ["alpha"] = 1, ["beta"] = 1 }));
        // Leistung counts: everything that passes the vendor filter.
        Assert.That(result.Facets[Facets.Leistung].ToDictionary(f => f.Value, f => f.Count),
            Is.EquivalentTo(new Dictionary<string, int> { ["10001"] = 1, ["10002"] = 1 }));
        Assert.That(result.Facets[Facets.Vendor].Single(f => f.Value == "beta").Selected, Is.True);
    }

    [Test]
    public void Standard_and_Reifegrad_filter()
    {
        Assert.That(Ids(Search(null, filters: (Facets.Standard, ["fit-connect"]))), Is.EquivalentTo(new[] { "melde-a", "kfz-a" }));
        Assert.That(Ids(Search(null, filters: (Facets.Reifegrad, ["4"]))), Is.EqualTo(new[] { "melde-a" }));
    }

    [Test]
    public void An_unknown_filter_value_matches_nothing() =>
        Assert.That(Search(null, filters: (Facets.Vendor, ["nobody"])).Total, Is.Zero);

    [Test]
    public void Sorts_by_name_and_by_price_with_a_stable_tie_break()
    {
        Assert.That(Ids(Search(null, SortOrders.Name)), Is.EqualTo(new[] { "gewerbe-a", "kfz-a", "melde-b", "melde-a", "kfz-b" }));
        Assert.That(Ids(Search(null, SortOrders.Price)), Is.EqualTo(new[] { "gewerbe-a", "melde-b", "melde-a", "kfz-b", "kfz-a" }));
    }

    [Test]
    public void Sorts_by_rating_with_more_ratings_winning_a_tie_and_unrated_last()
    {
        var ratings = new RatingSnapshot(7, new Dictionary<string, RatingSummary>
        {
            ["kfz-b"] = new(4.5, 2), ["melde-a"] = new(4.5, 10), ["gewerbe-a"] = new(2, 1),
        });
        var result = _index.Search(new SearchRequest(null, new Dictionary<string, IReadOnlyList<string>>(), SortOrders.Rating, 1, 20), ratings);
        // Unrated kfz-a and melde-b follow in name order.
        Assert.That(Ids(result), Is.EqualTo(new[] { "melde-a", "kfz-b", "gewerbe-a", "kfz-a", "melde-b" }));
        Assert.That(result.Items[0].Rating, Is.EqualTo(new RatingSummary(4.5, 10)), "cards carry their rating");
        Assert.That(result.Items[^1].Rating, Is.Null);
    }

    [Test]
    public void Pages_partition_the_results_in_a_stable_order()
    {
        var all = Ids(Search(null, SortOrders.Name, 1, 100));
        var paged = Enumerable.Range(1, 3).SelectMany(p => Ids(Search(null, SortOrders.Name, p, 2))).ToArray();
        Assert.That(paged, Is.EqualTo(all));
        Assert.That(Search(null, SortOrders.Name, 3, 2).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public void Stop_words_alone_find_everything_rather_than_failing()
    {
        // "und" is a stop word: the query has no terms left, so it matches nothing instead of throwing.
        Assert.That(Search("und").Total, Is.Zero);
    }

    [Test]
    public void Query_syntax_characters_are_plain_text() =>
        Assert.DoesNotThrow(() => Search("Zulassung) AND (* \"\\ :~"));
}
