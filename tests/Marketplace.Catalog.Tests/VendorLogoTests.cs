using Marketplace.Catalog.Descriptors;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>A vendor's SVG logo is drawing only: anything that could run, fetch or expand is refused with the reason.</summary>
public class VendorLogoTests
{
    private const string Open = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">";

    [Test]
    public void Every_seeded_vendor_has_a_logo_the_check_accepts()
    {
        var vendors = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!.Vendors;
        Assert.That(vendors.Select(v => (v.Value.Id, Problem: v.Value.Logo is { } logo ? VendorLogo.Problem(logo) : "no logo")).Where(v => v.Problem is not null), Is.Empty);
    }

    [TestCase(Open + "<script>alert(1)</script></svg>", "<script>")]
    [TestCase(Open + "<rect width=\"1\" height=\"1\" onload=\"alert(1)\"/></svg>", "onload")]
    [TestCase(Open + "<foreignObject><p xmlns=\"http://www.w3.org/1999/xhtml\">x</p></foreignObject></svg>", "<foreignObject>")]
    [TestCase(Open + "<image href=\"https://tracker.example/x.png\"/></svg>", "<image>")]
    [TestCase(Open + "<rect width=\"1\" height=\"1\" fill=\"url(https://tracker.example/p)\"/></svg>", "outside the logo")]
    [TestCase(Open + "<style>rect { fill: red }</style></svg>", "<style>")]
    [TestCase("<!DOCTYPE svg [<!ENTITY a \"aaaa\">]>" + Open + "<text>&a;</text></svg>", "well-formed")]
    [TestCase("<svg viewBox=\"0 0 1 1\"/>", "SVG namespace")]
    [TestCase("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "viewBox")]
    [TestCase("not xml", "well-formed")]
    public void A_logo_that_could_do_more_than_draw_is_refused(string svg, string reason)
    {
        Assert.That(VendorLogo.Problem(svg), Does.Contain(reason));
    }

    [Test]
    public void Limits_hold_for_size_and_element_count()
    {
        Assert.That(VendorLogo.Problem(Open + new string(' ', VendorLogo.MaxChars) + "</svg>"), Does.Contain("longer than"));
        var many = Open + string.Concat(Enumerable.Repeat("<g/>", VendorLogo.MaxElements)) + "</svg>";
        Assert.That(VendorLogo.Problem(many), Does.Contain("more than"));
    }

    [Test]
    public void A_gradient_referenced_inside_the_logo_is_fine()
    {
        var svg = Open + "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#000\"/></linearGradient></defs><rect width=\"64\" height=\"64\" fill=\"url(#g)\"/></svg>";
        Assert.That(VendorLogo.Problem(svg), Is.Null);
    }

    [Test]
    public void The_monogram_escapes_the_name_and_passes_the_check()
    {
        var svg = VendorLogo.Monogram("<b>&Co");
        Assert.That(svg, Does.Contain(">BC<"));
        Assert.That(VendorLogo.Problem(svg), Is.Null);
    }

    [Test]
    public void A_catalogue_with_an_unsafe_logo_is_refused_naming_the_file_and_field()
    {
        using var folder = new CatalogFolder();
        folder.Edit("vendors/komuna-digital.yaml", text => text[..text.IndexOf("logo: |", StringComparison.Ordinal)] + "logo: '" + Open + "<script>x</script></svg>'\n");
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.Errors.Select(e => e.ToString()), Has.Some.Contains("komuna-digital.yaml").And.Contains("/logo").And.Contains("<script>"));
    }
}
