using System.Data.Common;
using Dapper;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Pricing;

/// <summary>Reads every plan's prices from the catalogue tables (plans, plan_extras, plan_extra_tiers).</summary>
public static class PriceCatalog
{
    private sealed record PlanRow(string OfferingId, string PlanId, string Funder, long ListValueCentsPerMonth);
    // Classes, not positional records: the engines hand back integer columns as Int32 or Int64, and Dapper converts
    // only when it sets properties.
    private sealed class ExtraRow
    {
        public string OfferingId { get; init; } = "";
        public string PlanId { get; init; } = "";
        public string ExtraId { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? BillingInterval { get; init; }
        public long? PriceCents { get; init; }
        public string? Unit { get; init; }
        public long? IncludedPerMonth { get; init; }
        public string? VatCategory { get; init; }
        public long? VatRateBasisPoints { get; init; }
        public string? VatExemptionReason { get; init; }
        public string? VatExemptionCode { get; init; }
        public long? TypicalMilliPer1000 { get; init; }

        public VatTreatment? Vat => VatCategory is null ? null : new VatTreatment(VatCategory, VatRateBasisPoints ?? 0, VatExemptionReason, VatExemptionCode);
    }

    private sealed class TierRow
    {
        public string OfferingId { get; init; } = "";
        public string PlanId { get; init; } = "";
        public string ExtraId { get; init; } = "";
        public int TierNo { get; init; }
        public long? UpTo { get; init; }
        public long UnitPriceCents { get; init; }
    }

    public static async Task<IReadOnlyDictionary<(string OfferingId, string PlanId), PlanPrice>> LoadAsync(
        DbConnection c, DbTransaction? tx, CancellationToken ct = default)
    {
        var plans = await c.QueryAsync<PlanRow>(new CommandDefinition(BillingSql.Plans, transaction: tx, cancellationToken: ct));
        var extras = (await c.QueryAsync<ExtraRow>(new CommandDefinition(BillingSql.Extras, transaction: tx, cancellationToken: ct)))
            .ToLookup(e => (e.OfferingId, e.PlanId));
        var tiers = (await c.QueryAsync<TierRow>(new CommandDefinition(BillingSql.Tiers, transaction: tx, cancellationToken: ct)))
            .ToLookup(t => (t.OfferingId, t.PlanId, t.ExtraId));
        return plans.ToDictionary(p => (p.OfferingId, p.PlanId), p => new PlanPrice(p.OfferingId, p.PlanId, p.Funder, p.ListValueCentsPerMonth,
            extras[(p.OfferingId, p.PlanId)].ToDictionary(e => e.ExtraId, ExtraPrice (e) => e.Kind switch
            {
                ExtraKind.AddOn => new AddOnPrice(e.ExtraId, e.Name, e.BillingInterval ?? AddOnPrice.Monthly, e.PriceCents ?? 0) { Vat = e.Vat },
                ExtraKind.SetupFee => new SetupFeePrice(e.ExtraId, e.Name, e.PriceCents ?? 0) { Vat = e.Vat },
                _ => new MeteredPrice(e.ExtraId, e.Name, e.Unit ?? "", e.IncludedPerMonth ?? 0,
                    tiers[(p.OfferingId, p.PlanId, e.ExtraId)].OrderBy(t => t.TierNo).Select(t => new PriceTier(t.TierNo, t.UpTo, t.UnitPriceCents)).ToList())
                    { Vat = e.Vat, TypicalMilliPer1000 = e.TypicalMilliPer1000 },
            })));
    }
}
