using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Pricing;

/// <summary>Kinds of extras as the catalogue stores them (plan_extras.kind).</summary>
public static class ExtraKind
{
    public const string AddOn = "addon";
    public const string Metered = "metered";
    public const string SetupFee = "setup";
}

/// <summary>
/// What a plan costs. The standard package is free to the municipality: its funder pays, and its list value per month
/// is what the funding report adds up. Everything the municipality pays for is an extra.
/// </summary>
public sealed record PlanPrice(
    string OfferingId, string PlanId, string Funder, long ListValueCentsPerMonth, IReadOnlyDictionary<string, ExtraPrice> Extras)
{
    public T? Extra<T>(string extraId) where T : ExtraPrice => Extras.TryGetValue(extraId, out var e) ? e as T : null;
}

/// <summary>An extra above the standard package: an add-on, a metered dimension or a one-time setup fee.</summary>
public abstract record ExtraPrice(string ExtraId, string Name)
{
    /// <summary>The extra's own VAT treatment from its descriptor; null takes the configured default for the buyer.</summary>
    public VatTreatment? Vat { get; init; }
}

/// <summary>A recurring add-on, charged per day it is booked: price ÷ days of the month ("month") or of the year ("year").</summary>
public sealed record AddOnPrice(string ExtraId, string Name, string Interval, long PriceCents) : ExtraPrice(ExtraId, Name)
{
    public const string Monthly = "month";
    public const string Yearly = "year";

    /// <summary>The days one price covers in <paramref name="month"/>: the price base of the prorated line.</summary>
    public int PriceBase(BillingMonth month) => Interval == Yearly ? month.DaysInYear : month.Days;
}

/// <summary>A one-time fee, billed in the month it falls due.</summary>
public sealed record SetupFeePrice(string ExtraId, string Name, long PriceCents) : ExtraPrice(ExtraId, Name);

/// <summary>
/// A metered dimension: <see cref="IncludedPerMonth"/> units a month come with the standard package; units above it are
/// priced by graduated tiers, each up to a cumulative count of units above the included quantity (null: no limit).
/// </summary>
public sealed record MeteredPrice(string ExtraId, string Name, string Unit, long IncludedPerMonth, IReadOnlyList<PriceTier> Tiers)
    : ExtraPrice(ExtraId, Name)
{
    /// <summary>The vendor's typical usage per 1,000 inhabitants and month in thousandths of a unit; null when the vendor states none.</summary>
    public long? TypicalMilliPer1000 { get; init; }

    /// <summary>Expected units a month in a municipality of <paramref name="population"/>; null without a stated typical usage or population.</summary>
    public long? EstimateFor(long population) =>
        TypicalMilliPer1000 is { } typical && population > 0 ? Money.DivideRounded((Int128)population * typical, 1_000_000) : null;

    /// <summary>
    /// Splits a month's usage over the tiers: graduated, so each tier prices only the units that fall into it
    /// (with 10 included and a tier "up to 100 at 25.00, then 18.00", 150 units are 100 × 25.00 + 40 × 18.00).
    /// Tiers with no units are left out.
    /// </summary>
    public IReadOnlyList<TierCharge> Charge(long usage)
    {
        var charges = new List<TierCharge>();
        var billable = usage - IncludedPerMonth;
        long lower = 0;
        foreach (var tier in Tiers.OrderBy(t => t.TierNo))
        {
            if (billable <= lower) break;
            var upper = tier.UpTo is { } up ? Math.Min(up, billable) : billable;
            if (upper > lower)
                charges.Add(new TierCharge(tier, upper - lower, Money.LineAmount(upper - lower, tier.UnitPriceCents, 1)));
            lower = Math.Max(lower, tier.UpTo ?? long.MaxValue);
        }
        return charges;
    }
}

/// <summary>One graduated tier: up to <see cref="UpTo"/> cumulative units above the included quantity (null: unbounded).</summary>
public sealed record PriceTier(int TierNo, long? UpTo, long UnitPriceCents);

/// <summary>The units of a month's usage falling into one tier, and what they cost.</summary>
public sealed record TierCharge(PriceTier Tier, long Quantity, long AmountCents);
