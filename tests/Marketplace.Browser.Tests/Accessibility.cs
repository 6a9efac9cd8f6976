using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>
/// axe-core on the page as it is now: no violation of any impact, of WCAG 2.1 A/AA (BITV 2.0) or of axe's best
/// practices (landmarks, heading order, unique regions), which screen-reader users feel as much as the WCAG rules.
/// </summary>
public static class Accessibility
{
    /// <summary>Pages axe has passed in this run: their markup (per-request tokens left out) at their viewport width.</summary>
    private static readonly ConcurrentDictionary<string, bool> Passed = new();

    private static readonly string AxeSource = new BundledAxeScriptProvider().GetScript();

    public static async Task AssertNoViolationsAsync(IPage page)
    {
        // axe.run in the page itself, axe loaded once per document: Deque's RunAxe runs axe partially per frame and
        // finishes in a new blank page, which cost Chromium 3-6 s of CPU per check. These pages have no frames.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'")) await page.EvaluateAsync(AxeSource);
        var violations = await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                    // Only violations are asserted: passing nodes would be collected for nothing.
                    resultTypes: ['violations'],
                })).violations.map(v => `${v.id} (${v.impact}) on ${location.href}: ${v.help} – ${v.nodes.slice(0, 3).map(n => n.html).join(' | ')}`)
            """);
        Assert.That(violations, Is.Empty);
    }

    /// <summary>
    /// <see cref="AssertNoViolationsAsync"/> once per distinct page: the journeys reach the same markup again and again (the
    /// login form at every sign-in), and axe finds the same on the same markup at the same width.
    /// </summary>
    public static async Task AssertNoViolationsOnceAsync(IPage page)
    {
        var markup = await page.EvaluateAsync<string>("""
            () => {
                const copy = document.documentElement.cloneNode(true);
                copy.querySelectorAll('input[name="__RequestVerificationToken"]').forEach(e => e.removeAttribute('value'));
                return innerWidth + ' ' + copy.outerHTML;
            }
            """);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(markup)));
        if (Passed.ContainsKey(key)) return;
        await AssertNoViolationsAsync(page);
        Passed.TryAdd(key, true);
    }
}
