using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Marketplace.Browser.Tests;

/// <summary>axe-core on the page as it is now: no serious or critical violation of WCAG 2.1 A/AA (BITV 2.0).</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.That(serious.Select(v => $"{v.Id} ({v.Impact}) on {page.Url}: {v.Help} – {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"), Is.Empty);
    }
}
