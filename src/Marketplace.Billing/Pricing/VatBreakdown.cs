using Marketplace.Catalog;

namespace Marketplace.Billing.Pricing;

/// <summary>One VAT breakdown group (BG-23): a category and rate, the net amount taxed with it and the VAT on it.</summary>
public sealed record VatGroup(VatTreatment Treatment, long TaxableCents, long VatCents);

/// <summary>The VAT breakdown as EN 16931 computes it: per category and rate, the VAT of the group's net sum rounded once (BR-CO-17).</summary>
public static class VatBreakdown
{
    public static IReadOnlyList<VatGroup> Of<T>(IEnumerable<T> lines, Func<T, VatTreatment> treatment, Func<T, long> amountCents) =>
        lines.GroupBy(treatment)
            .Select(g => new VatGroup(g.Key, g.Sum(amountCents), Money.Vat(g.Sum(amountCents), g.Key.RateBasisPoints)))
            .OrderBy(g => g.Treatment.Category, StringComparer.Ordinal).ThenByDescending(g => g.Treatment.RateBasisPoints)
            .ToList();
}
