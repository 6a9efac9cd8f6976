using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>What the catalogue shows of conformance: badges, last check, the conformance facet, only orderable offerings by default.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class CatalogueConformanceTests(DatabaseEngine engine)
{
    private Harness _h = null!;
    private CatalogSearchIndex _index = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _h = await Harness.CreateAsync(engine);
        var search = _h.Services.GetRequiredService<CatalogSearchService>();
        await search.RefreshAsync();
        _index = search.Current;
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private SearchResult Search(params (string Facet, string[] Values)[] filters) =>
        _index.Search(new SearchRequest(null, filters.ToDictionary(f => f.Facet, f => (IReadOnlyList<string>)f.Values), SortOrders.Name, 1, SearchRequest.MaxPageSize));

    [Test]
    public void A_non_conformant_offering_is_not_listed_unless_asked_for()
    {
        var listed = Search();
        var ids = listed.Items.Select(i => i.Id).ToList();
        Assert.That(ids, Does.Not.Contain("parkausweis-brightforms").And.Not.Contain("bauantrag-alpenstadt").And.Contain("bauantrag-online-nordlicht"));
        Assert.That(listed.Items.All(i => i.Orderable), Is.True);
        Assert.That(listed.Facets[Facets.Orderable].Select(f => (f.Value, f.Count, f.Selected)),
            Is.EquivalentTo(new[] { ("true", listed.Total, true), ("false", 6, false) }));

        var notOrderable = Search((Facets.Orderable, ["false"]));
        Assert.That(notOrderable.Items.Select(i => i.Id), Is.EquivalentTo(new[]
        {
            "abschleppauskunft-brightforms", "bauantrag-alpenstadt", "bauportal-efa-ldvt", "melderegisterauskunft-kdi", "parkausweis-brightforms", "tierhaltung-paragraf",
        }));
        Assert.That(Search((Facets.Orderable, ["true", "false"])).Total, Is.EqualTo(listed.Total + 6));
    }

    [Test]
    public void Cards_carry_conformance_badges_with_the_date_of_the_last_check()
    {
        var card = Search().Items.Single(i => i.Id == "bauantrag-online-nordlicht");
        var dsgvo = card.Conformance.Single(b => b.Id == "dsgvo-avv");
        Assert.That((dsgvo.Status, dsgvo.Required, dsgvo.Version), Is.EqualTo((ConformanceStatuses.Conformant, true, "2016/679")));
        Assert.That(card.Conformance[0].Required, Is.True, "required standards come first");
        Assert.That(card.Conformance.Single(b => b.Id == "open-service-broker").Status, Is.EqualTo(ConformanceStatuses.Pending),
            "the broker is not called during an import");
        Assert.That(card.LastCheckedAt, Is.EqualTo(card.Conformance.Max(b => b.CheckedAt)));
        Assert.That(card.Version, Is.EqualTo(1));

        var detail = new CatalogViews(new Catalog.MarkdownRenderer()).Offering(_index, "bauantrag-alpenstadt")!;
        Assert.That(detail.Orderable, Is.False);
        Assert.That(detail.Conformance.Single(b => b.Id == "xbau").Status, Is.EqualTo(ConformanceStatuses.Expired));
    }

    [Test]
    public void The_conformance_facet_filters_by_checked_conformance_not_by_claims()
    {
        var all = Search((Facets.Orderable, ["true", "false"]));
        var claimsDsgvo = all.Facets[Facets.Standard].Single(f => f.Value == "dsgvo-avv").Count;
        var conformantDsgvo = all.Facets[Facets.Conformance].Single(f => f.Value == "dsgvo-avv").Count;
        Assert.That(conformantDsgvo, Is.LessThan(claimsDsgvo), "tierhaltung-paragraf claims DSGVO-AVV but an auditor rejected its evidence");

        var xbau = Search((Facets.Conformance, ["xbau"]), (Facets.Orderable, ["true", "false"]));
        Assert.That(xbau.Items.Select(i => i.Id), Is.EquivalentTo(new[] { "bauantrag-online-nordlicht", "digitale-baugenehmigung-zkd" }));
    }
}
