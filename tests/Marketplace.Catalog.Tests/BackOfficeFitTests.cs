using Marketplace.Catalog.BackOffice;
using Marketplace.Catalog.Descriptors;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>The Fachverfahren reference data, offerings' back-office declarations and their fit to what a municipality runs.</summary>
public class BackOfficeFitTests
{
    private static readonly Lazy<CatalogSnapshot> Snapshot = new(() => CatalogLoader.Load(RepoPaths.Catalog).Snapshot!);
    private static BackOfficeReference Reference => new(Snapshot.Value.Schnittstellen.Select(i => i.Value), Snapshot.Value.Fachverfahren.Select(a => a.Value));
    private static OfferingDescriptor Offering(string id) => Snapshot.Value.Offerings.Single(o => o.Value.Id == id).Value;

    [Test]
    public void The_reference_data_covers_the_main_areas_with_products_manufacturers_and_the_standards_they_receive()
    {
        var r = Reference;
        Assert.That(r.Areas.Select(a => a.Id), Is.SupersetOf(new[] { "meldewesen", "kfz-zulassung", "personenstandswesen", "gewerbe", "bauaufsicht", "finanzwesen" }));
        Assert.That(r.Interfaces.Select(i => i.Id), Is.SupersetOf(new[] { "xmeld", "xkfz", "xpersonenstand", "xgewerbe", "xbau", "fit-connect" }));
        Assert.That(r.Product("ok-ewo")!.Value.Product.Manufacturer, Does.Contain("AKDB"));
        Assert.That(r.Product("ok-ewo")!.Value.Product.Versions.Select(v => v.Version).ToList(), Has.Count.GreaterThan(1), "products come with versions");
        Assert.That(r.Areas.SelectMany(a => a.Products).SelectMany(p => p.Versions).SelectMany(v => v.ApiList), Is.Not.Empty, "product-specific APIs");
    }

    [Test]
    public void Every_seed_offering_declares_its_back_office_delivery_and_some_need_a_priced_adapter()
    {
        var offerings = Snapshot.Value.Offerings.Select(o => o.Value).ToList();
        Assert.That(offerings.Where(o => o.BackOffice is null).Select(o => o.Id), Is.Empty);
        var adapters = offerings.SelectMany(o => o.BackOfficeList.SelectMany(d => d.AdapterList).Select(a => (o, a))).ToList();
        Assert.That(adapters, Has.Count.GreaterThanOrEqualTo(5));
        foreach (var (o, a) in adapters)
            Assert.That(o.Plans.All(p => p.AddOnList.Any(x => x.Id == a.AddOn && x.PriceCents > 0)), $"{o.Id}: {a.AddOn} is a priced add-on of every plan");
    }

    [TestCase("  - area: meldewesen\n", "  - area: meldewezen\n", "/backOffice/0/area")]
    [TestCase("      - { standard: xmeld, version: \"3.x\" }", "      - { standard: xmelt, version: \"3.x\" }", "/backOffice/0/standards/0/standard")]
    [TestCase("      - { standard: xmeld, version: \"3.x\" }", "      - { standard: xmeld, version: \"9.x\" }", "/backOffice/0/standards/0/version")]
    public void An_unknown_area_or_standard_is_reported_at_its_field(string from, string to, string field)
    {
        using var folder = new CatalogFolder();
        folder.Edit("offerings/meldeportal-komuna.yaml", t => t.Replace(from, to));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Errors.Select(e => e.Field), Has.Member(field), string.Join("\n", result.Errors));
    }

    [TestCase("{ product: ok-ewo, addOn: fachverfahrensadapter }", "{ product: ok-ewa, addOn: fachverfahrensadapter }", "/backOffice/0/adapters/0/product")]
    [TestCase("{ product: ok-ewo, addOn: fachverfahrensadapter }", "{ product: ok-vorfahrt, addOn: fachverfahrensadapter }", "/backOffice/0/adapters/0/product")]
    [TestCase("{ product: ok-ewo, addOn: fachverfahrensadapter }", "{ product: ok-ewo, addOn: adapter-gibt-es-nicht }", "/backOffice/0/adapters/0/addOn")]
    public void An_unknown_product_or_add_on_of_an_adapter_is_reported_at_its_field(string from, string to, string field)
    {
        using var folder = new CatalogFolder();
        folder.Edit("offerings/wohnsitz-efa-ldvt.yaml", t => t.Replace(from, to));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.IsValid, Is.False);
        var error = result.Errors.Single(e => e.Field == field);
        Assert.That(error.Line, Is.GreaterThan(0));
    }

    [Test]
    public void A_product_version_receiving_an_unknown_standard_version_is_reported()
    {
        using var folder = new CatalogFolder();
        folder.Edit("fachverfahren/meldewesen.yaml", t => t.Replace("versions: [\"3.1\", \"3.2\"] }]", "versions: [\"3.1\", \"7.0\"] }]"));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.Errors.Select(e => e.Field), Has.Member("/products/0/versions/0/interfaces/0/versions"), string.Join("\n", result.Errors));
    }

    [Test]
    public void An_oversized_product_list_is_refused_by_the_schema()
    {
        using var folder = new CatalogFolder();
        folder.Edit("fachverfahren/wahlen.yaml", t => t.Replace("products:\n", "products:\n" + string.Concat(Enumerable.Range(0, 31).Select(i =>
            $"  - {{ id: p{i}, name: P{i}, manufacturer: M, versions: [{{ version: \"1\", interfaces: [] }}] }}\n"))));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.Errors.Select(e => (e.Field, e.Keyword)), Has.Member(("/products", "maxItems")));
    }

    [Test]
    public void A_standard_the_product_version_receives_fits_and_a_series_matches_its_versions()
    {
        var fit = BackOfficeFit.Evaluate(Offering("meldeportal-komuna"), Reference, [new RecordedProduct("meldewesen", "ok-ewo", "2023.2")])!;
        Assert.That(fit.Status, Is.EqualTo(FitStatuses.Fits));
        Assert.That(fit.Areas.Single(), Has.Property("Via").EqualTo("xmeld").And.Property("ViaVersion").EqualTo("3.2"));
    }

    [Test]
    public void An_older_product_version_without_the_standard_needs_the_adapter_with_its_price()
    {
        var o = Offering("wohnsitz-efa-ldvt");
        var old = BackOfficeFit.Evaluate(o, Reference, [new RecordedProduct("meldewesen", "ok-ewo", "2023.2")])!;
        Assert.That(old.Status, Is.EqualTo(FitStatuses.Adapter));
        Assert.That(old.AdapterAddOns, Is.EqualTo(new[] { "fachverfahrensadapter" }));
        Assert.That(old.AdapterPriceCents, Is.EqualTo(o.Plans[0].AddOnList.Single(a => a.Id == "fachverfahrensadapter").PriceCents).And.GreaterThan(0));
        var current = BackOfficeFit.Evaluate(o, Reference, [new RecordedProduct("meldewesen", "ok-ewo", "2025.1")])!;
        Assert.That(current.Status, Is.EqualTo(FitStatuses.Fits), "OK.EWO 2025.1 receives FIT-Connect");
    }

    [Test]
    public void No_standard_and_no_adapter_for_the_product_is_no_connection_and_an_unrecorded_area_says_nothing()
    {
        var o = Offering("umzugsassistent-amtsfuchs");
        var none = BackOfficeFit.Evaluate(o, Reference, [new RecordedProduct("meldewesen", "ok-ewo", "2025.1")])!;
        Assert.That(none.Status, Is.EqualTo(FitStatuses.None));
        Assert.That(none.Areas.Single().ManualExport, Is.EqualTo("csv"));
        Assert.That(BackOfficeFit.Evaluate(o, Reference, [new RecordedProduct("kfz-zulassung", "ok-vorfahrt", "2024.1")]), Is.Null);
        Assert.That(BackOfficeFit.Evaluate(o, Reference, []), Is.Null);
    }

    [TestCase("3.x", "3.2", true)]
    [TestCase("3.x", "2.4", false)]
    [TestCase("3.2", "3.2", true)]
    [TestCase("3.2", "3.21", false)]
    [TestCase("1.x", "1.16", true)]
    public void Version_series_match_only_their_own_versions(string spec, string version, bool matches) =>
        Assert.That(BackOfficeReference.VersionMatches(spec, version), Is.EqualTo(matches));
}
