using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

public class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    [Test]
    public void Markdown_becomes_HTML() =>
        Assert.That(_renderer.ToSafeHtml("**fett** und [Link](https://example.org)"),
            Does.Contain("<strong>fett</strong>").And.Contain("href=\"https://example.org\""));

    // Raw HTML comes out as text ("&lt;script"), never as markup; links keep only safe schemes.
    [TestCase("<script>alert(1)</script>", "<script")]
    [TestCase("<img src=x onerror=alert(1)>", "<img")]
    [TestCase("[klick](javascript:alert(1))", "href=\"javascript:")]
    [TestCase("<a href=\"https://x.example\" onclick=\"steal()\">x</a>", "<a ")]
    public void Vendor_markup_cannot_run_script(string markdown, string forbidden) =>
        Assert.That(_renderer.ToSafeHtml(markdown), Does.Not.Contain(forbidden));
}
