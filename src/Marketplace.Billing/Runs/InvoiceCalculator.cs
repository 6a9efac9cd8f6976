using Marketplace.Billing.Pricing;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Runs;

/// <summary>One row of subscription_billing_periods with the subscription it belongs to: what was booked from when to when.</summary>
public sealed record SubscriptionPeriod(
    string SubscriptionId, string MunicipalityAgs, string OfferingId, string OfferingName, int Seq, string PlanId, string AddonIds,
    DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public IEnumerable<string> AddOns => AddonIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A month's usage of one subscription in one metered dimension.</summary>
public sealed record UsageTotal(string SubscriptionId, string Dimension, long Quantity);

/// <summary>A setup fee of a subscription and when it falls due.</summary>
public sealed record SetupFeeDue(
    string SubscriptionId, string MunicipalityAgs, string OfferingId, string OfferingName, string PlanId, string ExtraId, DateTimeOffset DueAt);

/// <summary>A line before it is stored: what was charged for which subscription, extra and days.</summary>
public sealed record DraftLine(
    string Kind, string SubscriptionId, string OfferingId, string OfferingName, string PlanId, string ExtraId, string ExtraName,
    int? TierNo, string Unit, long Quantity, long UnitPriceCents, long PriceBase, long AmountCents, DateOnly ServiceFrom, DateOnly ServiceTo,
    VatTreatment Vat);

/// <summary>The lines of one municipality's invoice for a month.</summary>
public sealed record DraftInvoice(string MunicipalityAgs, IReadOnlyList<DraftLine> Lines)
{
    public long NetCents => Lines.Sum(l => l.AmountCents);
    public IReadOnlyList<VatGroup> VatGroups => VatBreakdown.Of(Lines, l => l.Vat, l => l.AmountCents);
    public long VatCents => VatGroups.Sum(g => g.VatCents);
    /// <summary>The highest rate on the invoice (invoices.vat_rate_basis_points; the lines carry each one's own).</summary>
    public long TopRateBasisPoints => Lines.Max(l => l.Vat.RateBasisPoints);
}

/// <summary>What a month costs each municipality, and what could not be priced (a catalogue entry gone missing).</summary>
public sealed record MonthCharges(IReadOnlyList<DraftInvoice> Invoices, IReadOnlyList<string> Problems);

/// <summary>
/// The pure part of a billing run: from what was booked, used and due in a month to one draft invoice per municipality.
/// Only extras are charged; municipalities with nothing to pay get no invoice. Each line takes its extra's VAT treatment,
/// or the default for the municipality (<paramref name="defaultVat"/>, by AGS; standard 19 % when not given). Lines not
/// subject to VAT (O) cannot share an invoice with other categories (EN 16931 BR-O-11): such a month is reported, not invoiced.
/// </summary>
public sealed class InvoiceCalculator(
    BillingCalendar calendar, IReadOnlyDictionary<(string OfferingId, string PlanId), PlanPrice> prices, Func<string, VatTreatment>? defaultVat = null)
{
    private VatTreatment VatOf(ExtraPrice extra, string ags) => extra.Vat ?? defaultVat?.Invoke(ags) ?? VatTreatment.Standard(1900);

    public const string UnitDay = "day";
    public const string UnitOneTime = "one-time";

    public MonthCharges Calculate(
        BillingMonth month, IEnumerable<SubscriptionPeriod> periods, IEnumerable<UsageTotal> usage, IEnumerable<SetupFeeDue> setupFees)
    {
        var problems = new List<string>();
        var lines = new List<DraftLine>();
        var (start, end) = (calendar.StartOf(month.FirstDay), calendar.StartOf(month.EndDay));
        var inMonth = periods.Where(p => p.ValidFrom < end && (p.ValidTo is null || p.ValidTo > start)).ToList();
        var fees = setupFees.ToList();
        var bySubscription = inMonth.GroupBy(p => p.SubscriptionId).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Seq).ToList());
        var municipalityOf = new Dictionary<string, string>();
        foreach (var p in inMonth) municipalityOf[p.SubscriptionId] = p.MunicipalityAgs;
        foreach (var f in fees) municipalityOf[f.SubscriptionId] = f.MunicipalityAgs;

        foreach (var rows in bySubscription.Values) lines.AddRange(AddOnLines(month, rows, problems));
        foreach (var u in usage) lines.AddRange(UsageLines(month, u, bySubscription.GetValueOrDefault(u.SubscriptionId), problems));
        foreach (var fee in fees) if (SetupLine(month, fee, bySubscription.GetValueOrDefault(fee.SubscriptionId), problems) is { } l) lines.Add(l);

        var invoices = lines
            .Where(l => l.AmountCents != 0)
            .GroupBy(l => municipalityOf[l.SubscriptionId])
            .Where(g =>
            {
                if (!g.Any(l => l.Vat.Category == VatCategories.NotSubject) || g.All(l => l.Vat.Category == VatCategories.NotSubject)) return true;
                problems.Add($"municipality {g.Key}: items not subject to VAT (category O: {string.Join(", ", g.Where(l => l.Vat.Category == VatCategories.NotSubject).Select(l => $"{l.OfferingId}/{l.ExtraId}").Distinct())}) " +
                             "cannot share an invoice with taxed items (EN 16931 BR-O-11); no invoice was written for it");
                return false;
            })
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DraftInvoice(g.Key, g
                .OrderBy(l => l.OfferingName, StringComparer.Ordinal).ThenBy(l => l.SubscriptionId, StringComparer.Ordinal)
                .ThenBy(l => KindOrder(l.Kind)).ThenBy(l => l.ExtraId, StringComparer.Ordinal).ThenBy(l => l.TierNo).ThenBy(l => l.ServiceFrom)
                .ToList()))
            .ToList();
        return new MonthCharges(invoices, problems);
    }

    private static int KindOrder(string kind) => kind switch { ExtraKind.SetupFee => 0, ExtraKind.AddOn => 1, _ => 2 };

    /// <summary>Add-ons per day booked; consecutive rows with the same plan and add-on become one line, rounded once.</summary>
    private IEnumerable<DraftLine> AddOnLines(BillingMonth month, List<SubscriptionPeriod> rows, List<string> problems)
    {
        var lines = new List<DraftLine>();
        foreach (var row in rows)
        {
            var days = calendar.ChargedDays(month, row.ValidFrom, row.ValidTo);
            if (days == 0) continue;
            var from = Later(calendar.LocalDate(row.ValidFrom), month.FirstDay);
            var to = from.AddDays(days - 1);
            foreach (var addOnId in row.AddOns)
            {
                if (Price(row.OfferingId, row.PlanId)?.Extra<AddOnPrice>(addOnId) is not { } addOn)
                {
                    problems.Add($"subscription {row.SubscriptionId}: add-on '{addOnId}' of plan {row.OfferingId}/{row.PlanId} is not in the catalogue");
                    continue;
                }
                var index = lines.FindIndex(l => l.PlanId == row.PlanId && l.ExtraId == addOnId && l.ServiceTo.AddDays(1) == from);
                var quantity = days + (index >= 0 ? lines[index].Quantity : 0);
                var line = new DraftLine(ExtraKind.AddOn, row.SubscriptionId, row.OfferingId, row.OfferingName, row.PlanId, addOnId, addOn.Name,
                    null, UnitDay, quantity, addOn.PriceCents, addOn.PriceBase(month),
                    Money.LineAmount(quantity, addOn.PriceCents, addOn.PriceBase(month)), index >= 0 ? lines[index].ServiceFrom : from, to,
                    VatOf(addOn, row.MunicipalityAgs));
                if (index >= 0) lines[index] = line; else lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>
    /// A month's usage is priced with the tiers of the last plan of the month that meters the dimension, and the included
    /// quantity is granted once per month, whether the subscription ran all month or changed plan in it.
    /// </summary>
    private IEnumerable<DraftLine> UsageLines(BillingMonth month, UsageTotal usage, List<SubscriptionPeriod>? rows, List<string> problems)
    {
        var row = rows?.LastOrDefault(r => Price(r.OfferingId, r.PlanId)?.Extra<MeteredPrice>(usage.Dimension) is not null);
        if (row is null)
        {
            problems.Add($"subscription {usage.SubscriptionId}: usage of '{usage.Dimension}' has no metered price in the month's plans");
            return [];
        }
        var metered = Price(row.OfferingId, row.PlanId)!.Extra<MeteredPrice>(usage.Dimension)!;
        var from = Later(calendar.LocalDate(rows!.Min(r => r.ValidFrom)), month.FirstDay);
        var to = rows!.Any(r => r.ValidTo is null) ? month.LastDay : Earlier(calendar.LocalDate(rows!.Max(r => r.ValidTo!.Value)), month.LastDay);
        if (to < from) to = from;
        return metered.Charge(usage.Quantity).Select(c => new DraftLine(
            ExtraKind.Metered, row.SubscriptionId, row.OfferingId, row.OfferingName, row.PlanId, metered.ExtraId, metered.Name,
            c.Tier.TierNo, metered.Unit, c.Quantity, c.Tier.UnitPriceCents, 1, c.AmountCents, from, to, VatOf(metered, row.MunicipalityAgs)));
    }

    /// <summary>A setup fee is billed in the month it falls due, at the price of the plan booked then.</summary>
    private DraftLine? SetupLine(BillingMonth month, SetupFeeDue fee, List<SubscriptionPeriod>? rows, List<string> problems)
    {
        if (calendar.MonthOf(fee.DueAt) != month) return null;
        var planId = rows?.LastOrDefault(r => r.ValidFrom <= fee.DueAt && (r.ValidTo is null || r.ValidTo > fee.DueAt))?.PlanId ?? fee.PlanId;
        if (Price(fee.OfferingId, planId)?.Extra<SetupFeePrice>(fee.ExtraId) is not { } price)
        {
            problems.Add($"subscription {fee.SubscriptionId}: setup fee '{fee.ExtraId}' of plan {fee.OfferingId}/{planId} is not in the catalogue");
            return null;
        }
        var day = calendar.LocalDate(fee.DueAt);
        return new DraftLine(ExtraKind.SetupFee, fee.SubscriptionId, fee.OfferingId, fee.OfferingName, planId, price.ExtraId, price.Name,
            null, UnitOneTime, 1, price.PriceCents, 1, price.PriceCents, day, day, VatOf(price, fee.MunicipalityAgs));
    }

    private PlanPrice? Price(string offeringId, string planId) => prices.GetValueOrDefault((offeringId, planId));
    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;
}
