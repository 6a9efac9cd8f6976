using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

public class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    [Test]
    public void Markdown_becomes_HTML() =>
        Assert.That(_renderer.ToSafeHtml("**fett** und [Link](https://example.org)"),
            Does.Contain("<strong>fett</strong>").And.Contain("href=\"https://example.org\""));

    [TestCase("<script>alert(1)</script>", "<script")]
    [TestCase("<img src=x onerror=alert(1)>", "onerror")]
    [TestCase("[klick](javascript:alert(1))", "javascript:")]
    [TestCase("<a href=\"https://x.example\" onclick=\"steal()\">x</a>", "onclick")]
    public void Vendor_markup_cannot_run_script(string markdown, string forbidden) =>
        Assert.That(_renderer.ToSafeHtml(markdown), Does.Not.Contain(forbidden));
}
