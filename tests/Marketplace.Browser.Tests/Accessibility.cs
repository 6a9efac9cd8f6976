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
    public static async Task AssertNoViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        Assert.That(result.Violations.Select(v => $"{v.Id} ({v.Impact}) on {page.Url}: {v.Help} – {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"), Is.Empty);
    }
}
