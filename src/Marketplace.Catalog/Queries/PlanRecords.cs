using System.Data.Common;
using Dapper;

namespace Marketplace.Catalog.Queries;

// Classes, not positional records: the engines hand back integer columns as Int32 or Int64, and Dapper converts only when
// it sets properties.

/// <summary>A plan of an offering: who funds it and its list value per month.</summary>
public sealed class PlanRow
{
    public string OfferingId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string Funder { get; init; } = "";
    public long ListValueCentsPerMonth { get; init; }
}

/// <summary>An extra of a plan (add-on, setup fee or metered dimension) with its price and VAT treatment.</summary>
public sealed class PlanExtraRow
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
}

/// <summary>A price tier of a metered extra: the unit price up to <c>UpTo</c> units (null: without limit).</summary>
public sealed class PlanExtraTierRow
{
    public string OfferingId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string ExtraId { get; init; } = "";
    public int TierNo { get; init; }
    public long? UpTo { get; init; }
    public long UnitPriceCents { get; init; }
}

/// <summary>A metered dimension (extra) of an offering's plan: what usage events may name.</summary>
public sealed record MeteredDimension(string OfferingId, string PlanId, string ExtraId);

/// <summary>
/// Every plan's prices as billing reads them, whole tables in one query each, on the caller's connection and inside its
/// transaction, so a billing run prices the month in the snapshot it bills.
/// </summary>
public sealed class PlanRecords
{
    public async Task<IReadOnlyList<PlanRow>> PlansAsync(DbConnection c, DbTransaction? tx, CancellationToken ct = default) =>
        (await c.QueryAsync<PlanRow>(new CommandDefinition(CatalogSql.PlanRows, transaction: tx, cancellationToken: ct))).ToList();

    public async Task<IReadOnlyList<PlanExtraRow>> ExtrasAsync(DbConnection c, DbTransaction? tx, CancellationToken ct = default) =>
        (await c.QueryAsync<PlanExtraRow>(new CommandDefinition(CatalogSql.PlanExtraRows, transaction: tx, cancellationToken: ct))).ToList();

    /// <summary>The metered dimensions of every plan of the vendor's offerings, in one query.</summary>
    public async Task<IReadOnlyList<MeteredDimension>> MeteredOfVendorAsync(DbConnection c, DbTransaction? tx, string vendorId, CancellationToken ct = default) =>
        (await c.QueryAsync<MeteredDimension>(new CommandDefinition(CatalogSql.MeteredExtrasOfVendor, new { vendorId }, tx, cancellationToken: ct))).ToList();

    public async Task<IReadOnlyList<PlanExtraTierRow>> TiersAsync(DbConnection c, DbTransaction? tx, CancellationToken ct = default) =>
        (await c.QueryAsync<PlanExtraTierRow>(new CommandDefinition(CatalogSql.PlanExtraTierRows, transaction: tx, cancellationToken: ct))).ToList();
}
