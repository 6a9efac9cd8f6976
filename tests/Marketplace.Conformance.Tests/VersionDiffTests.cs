using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance.Review;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>What the review page lists as changed between two versions.</summary>
public class VersionDiffTests
{
    private static OfferingDescriptor Offering(string name = "Hundesteuer online") =>
        CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "x.yaml", TestDescriptors.ManualOffering("diff-test", name, "komuna-digital")).Value!;

    [Test]
    public void A_description_that_differs_only_in_its_line_endings_is_not_changed()
    {
        var before = Offering() with { Description = "Erste Zeile.\nZweite Zeile.\n" };
        var after = before with { Description = "Erste Zeile.\r\nZweite Zeile.\r\n", Summary = before.Summary.Replace("\n", "\r\n") };
        Assert.That(VersionDiff.Between(before, after), Is.Empty);
    }

    [Test]
    public void A_changed_word_in_the_description_is_one_change_of_that_field()
    {
        var before = Offering() with { Description = "Erste Zeile.\nZweite Zeile.\n" };
        var after = before with { Description = "Erste Zeile.\r\nDritte Zeile.\r\n" };
        Assert.That(VersionDiff.Between(before, after).Select(c => c.Path), Is.EqualTo(new[] { "/description" }));
    }

    [Test]
    public void A_renamed_plan_is_matched_by_its_id_and_shows_only_the_name()
    {
        var before = Offering();
        var after = before with { Plans = [before.Plans[0] with { Name = "Basis plus" }] };
        Assert.That(VersionDiff.Between(before, after).Select(c => c.Path), Is.EqualTo(new[] { "/plans/basis/name" }));
    }
}
