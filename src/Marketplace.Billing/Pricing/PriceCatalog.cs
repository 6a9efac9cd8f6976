using System.Data.Common;
using Marketplace.Catalog.Queries;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing.Pricing;

/// <summary>Every plan's prices, built from the catalogue's plans, extras and tiers.</summary>
public static class PriceCatalog
{
    public static async Task<IReadOnlyDictionary<(string OfferingId, string PlanId), PlanPrice>> LoadAsync(
        PlanRecords records, DbConnection c, DbTransaction? tx, CancellationToken ct = default)
    {
        var plans = await records.PlansAsync(c, tx, ct);
        var extras = (await records.ExtrasAsync(c, tx, ct)).ToLookup(e => (e.OfferingId, e.PlanId));
        var tiers = (await records.TiersAsync(c, tx, ct)).ToLookup(t => (t.OfferingId, t.PlanId, t.ExtraId));
        return plans.ToDictionary(p => (p.OfferingId, p.PlanId), p => new PlanPrice(p.OfferingId, p.PlanId, p.Funder, p.ListValueCentsPerMonth,
            extras[(p.OfferingId, p.PlanId)].ToDictionary(e => e.ExtraId, ExtraPrice (e) => e.Kind switch
            {
                ExtraKind.AddOn => new AddOnPrice(e.ExtraId, e.Name, e.BillingInterval ?? AddOnPrice.Monthly, e.PriceCents ?? 0) { Vat = Vat(e) },
                ExtraKind.SetupFee => new SetupFeePrice(e.ExtraId, e.Name, e.PriceCents ?? 0) { Vat = Vat(e) },
                _ => new MeteredPrice(e.ExtraId, e.Name, e.Unit ?? "", e.IncludedPerMonth ?? 0,
                    tiers[(p.OfferingId, p.PlanId, e.ExtraId)].OrderBy(t => t.TierNo).Select(t => new PriceTier(t.TierNo, t.UpTo, t.UnitPriceCents)).ToList())
                    { Vat = Vat(e), TypicalMilliPer1000 = e.TypicalMilliPer1000 },
            })));
    }

    private static VatTreatment? Vat(PlanExtraRow e) =>
        e.VatCategory is null ? null : new VatTreatment(e.VatCategory, e.VatRateBasisPoints ?? 0, e.VatExemptionReason, e.VatExemptionCode);
}
