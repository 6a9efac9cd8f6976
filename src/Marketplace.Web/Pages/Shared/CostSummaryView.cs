using Marketplace.Billing.Pricing;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Web.Pages.Shared;

/// <summary>
/// What the cost summary partial shows: one offering's quote with its plan (for the names in the request's language),
/// the start it was calculated for, and whether the expected usage can be edited. On a page with several summaries
/// (bundle, Merkliste) each has its <see cref="Prefix"/> for ids and usage inputs ("o1." → "o1.Usage[antraege]") and
/// its own heading.
/// </summary>
public sealed record CostSummaryView(OrderQuote Quote, PlanDescriptor Plan, DateTimeOffset Start, bool Editable, string Prefix = "", string? Heading = null)
{
    /// <summary>Suffix that keeps the ids of several summaries on one page apart.</summary>
    public string IdSuffix => Prefix.Length == 0 ? "" : "-" + Prefix.TrimEnd('.');

    /// <summary>The posted expected usage of a summary with <paramref name="prefix"/>: "o1.Usage[antraege]" = "300".</summary>
    public static Dictionary<string, long> ReadUsage(Microsoft.AspNetCore.Http.IFormCollection form, string prefix)
    {
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        var start = prefix + "Usage[";
        foreach (var (key, value) in form)
            if (key.StartsWith(start, StringComparison.Ordinal) && key.EndsWith(']') && long.TryParse(value.ToString(), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var units) && units <= 100_000_000)
                usage[key[start.Length..^1]] = units;
        return usage;
    }
}
