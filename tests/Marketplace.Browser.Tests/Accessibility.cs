using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
            // Only violations are asserted: passing nodes would be collected and sent over for nothing.
            ResultTypes = [ResultType.Violations],
        });
        Assert.That(result.Violations.Select(v => $"{v.Id} ({v.Impact}) on {page.Url}: {v.Help} – {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"), Is.Empty);
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
