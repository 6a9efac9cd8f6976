using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Marketplace.Testing;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// What every page a journey reaches must satisfy: axe-core finds nothing, nothing is wider than a phone, no amount in
/// pounds, and no sentence of the other language from the resource files (a German page quoting an English text, or
/// the reverse, means a system text bypassed localisation).
/// </summary>
public static class PageChecks
{
    public const int PhoneWidth = 360;

    /// <summary>
    /// Screenshot files written in this run. A name, language and device is one file: photographing it again (the login
    /// form at every sign-in) would only overwrite it, and a full-page PNG of a long page costs Chromium seconds of CPU.
    /// </summary>
    private static readonly ConcurrentDictionary<string, bool> Photographed = new();

    /// <summary>
    /// The key pages are photographed for people to look at, on a developer's machine. CI keeps no artifacts, and there
    /// the photographs cost 13–20 % of the journeys' CPU (measured on two of them); a page that fails its checks is
    /// photographed anywhere.
    /// </summary>
    private static readonly bool PhotographKeyPages = !TestDatabase.IsCi;

    public static async Task AssertAsync(IPage page, int width, string? screenshot = null)
    {
        await page.WaitForFunctionAsync("() => document.readyState === 'complete'");
        var language = await page.Locator("html").GetAttributeAsync("lang");
        var name = $"{screenshot ?? "page"}-{language}-{(width <= PhoneWidth ? "phone" : "desktop")}";
        try
        {
            await CheckAsync(page, width, language);
        }
        catch (AssertionException)
        {
            await page.ScreenshotAsync(new() { Path = BrowserHost.ScreenshotPath("failed-" + name), FullPage = true });
            throw;
        }
        if (screenshot is null || !PhotographKeyPages) return;
        var path = BrowserHost.ScreenshotPath(name);
        if (Photographed.TryAdd(path, true)) await page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }

    private static async Task CheckAsync(IPage page, int width, string? language)
    {
        Assert.That(language, Is.AnyOf("de", "en"), page.Url);
        await Accessibility.AssertNoViolationsOnceAsync(page);
        var text = await page.Locator("body").InnerTextAsync();
        Assert.That(text, Does.Not.Contain("£"), $"{page.Url} shows an amount in pounds");
        var foreign = OtherLanguage.Phrases(language!).Where(text.Contains).Take(5).ToList();
        Assert.That(foreign, Is.Empty, $"{page.Url} ({language}) shows texts of the other language");
        if (width <= PhoneWidth) await AssertNoSidewaysScrollingAsync(page, width);
    }

    public static async Task AssertNoSidewaysScrollingAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        if (scrollWidth <= width) return;
        // Name the widest elements that stick out (not inside a scrolling table wrapper), to find the culprit.
        var culprits = await page.EvaluateAsync<string[]>("""
            w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w && !e.parentElement.closest('.table-wrap'))
                .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w))
                .slice(0, 5).map(e => e.outerHTML.slice(0, 160))
            """, width);
        Assert.Fail($"{page.Url} scrolls sideways at {width} px ({scrollWidth} px wide): {string.Join(" | ", culprits)}");
    }

    /// <summary>
    /// Sentences of the resource files that exist only in one language: the parts between placeholders of every text
    /// whose German and English differ, long enough (three words or more) not to be a shared name or a single word.
    /// </summary>
    private static class OtherLanguage
    {
        private static readonly Lazy<(string[] German, string[] English)> Texts = new(Load);

        public static IEnumerable<string> Phrases(string pageLanguage) => pageLanguage == "de" ? Texts.Value.English : Texts.Value.German;

        private static (string[], string[]) Load()
        {
            var folder = Path.Combine(RepoPaths.Root, "src", "Marketplace.Web", "Resources");
            var german = Read(Path.Combine(folder, "SharedResource.resx"));
            var english = Read(Path.Combine(folder, "SharedResource.en.resx"));
            var pairs = german.Keys.Where(english.ContainsKey).Where(k => german[k] != english[k]).Select(k => (De: german[k], En: english[k])).ToList();
            var germanFragments = pairs.SelectMany(p => Fragments(p.De)).ToHashSet();
            var englishFragments = pairs.SelectMany(p => Fragments(p.En)).ToHashSet();
            // A fragment both languages use (a product name, "OpenAPI") proves nothing.
            return (germanFragments.Except(englishFragments).ToArray(), englishFragments.Except(germanFragments).ToArray());
        }

        private static Dictionary<string, string> Read(string path) =>
            XDocument.Load(path).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

        private static IEnumerable<string> Fragments(string text) =>
            Regex.Split(Regex.Replace(text, "<[^>]+>", "{}"), @"\{[^}]*\}|[\r\n]+")
                .Select(f => f.Trim(' ', ',', ':', ';', '(', ')', '.', '„', '“', '"'))
                .Where(f => f.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3);
    }
}
