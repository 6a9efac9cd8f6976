using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Catalog.Import;

/// <summary>One standard's conformance as the catalogue shows it for the published version of an offering.</summary>
public sealed record ProjectedConformance(string StandardId, string StandardVersion, string Status, bool Required, DateTimeOffset? CheckedAt);

/// <summary>
/// Writes the catalogue's projection of one offering (the offerings row and its child tables that search reads)
/// inside the caller's transaction. The catalogue import writes seed offerings with it; publishing a new version
/// of an offering writes that version with it, so both produce exactly the same rows.
/// </summary>
public sealed class OfferingProjection(DbConnection c, DbTransaction tx, ISqlDialect dialect)
{
    private static readonly string[] ChildTables =
        ["plan_extra_tiers", "plan_extras", "plans", "offering_leistungen", "offering_laender", "offering_standards"];

    private readonly Dictionary<string, string> _landCodes = new();

    /// <summary>Writes (or, with <paramref name="update"/>, rewrites) the offering row and its child rows from a descriptor.</summary>
    public async Task WriteAsync(OfferingDescriptor o, string hash, bool update)
    {
        await c.ExecuteAsync(dialect.Upsert("offerings", ["id"],
                ["vendor_id", "name", "name_en", "summary", "reifegrad", "hosting_location", "provisioning_type", "price_from_cents", "document_json", "content_hash"]),
            new
            {
                id = o.Id, vendor_id = o.Vendor, name = o.Name, name_en = o.NameEn, summary = o.Summary, reifegrad = o.Reifegrad,
                hosting_location = o.Hosting.Location, provisioning_type = o.Provisioning.Type,
                price_from_cents = OfferingPricing.PriceFromCents(o),
                document_json = JsonSerializer.Serialize(o, DescriptorJson.Options), content_hash = hash,
            }, tx);
        if (update)
            foreach (var table in ChildTables)
                await c.ExecuteAsync(CatalogSql.DeleteOfferingRows(table), new { id = o.Id }, tx);

        await c.ExecuteAsync(CatalogSql.InsertOfferingLeistung,
            o.Leistungen.Distinct().Select(l => new { offering_id = o.Id, ozg_id = l }), tx);
        if (_landCodes.Count == 0)
            foreach (var (abbr, code) in await c.QueryAsync<(string, string)>(CatalogSql.LandCodesByAbbreviation, transaction: tx))
                _landCodes[abbr] = code;
        var codes = o.AllLaender ? _landCodes.Values : o.Laender.Distinct().Select(a => _landCodes[a]);
        await c.ExecuteAsync(CatalogSql.InsertOfferingLand,
            codes.Select(code => new { offering_id = o.Id, land_code = code }), tx);
        await c.ExecuteAsync(CatalogSql.InsertOfferingStandard,
            o.Standards.Select(s => new { offering_id = o.Id, standard_id = s.Standard, version = s.Version }), tx);

        for (var p = 0; p < o.Plans.Count; p++)
        {
            var plan = o.Plans[p];
            await c.ExecuteAsync(CatalogSql.InsertPlan, new
            {
                offering_id = o.Id, plan_id = plan.Id, position = p, name = plan.Name, name_en = plan.NameEn,
                funder = plan.StandardPackage.Funder, list_value_cents_per_month = plan.StandardPackage.ListValueCentsPerMonth,
            }, tx);
            var extras = plan.AddOnList.Select(a => Extra(o, plan, a.Id, "addon", a.Name, a.NameEn, a.Interval, a.PriceCents, null, null, a.Vat, null))
                .Concat(plan.MeteredList.Select(m => Extra(o, plan, m.Id, "metered", m.Name, m.NameEn, null, null, m.Unit, m.IncludedPerMonth, m.Vat, m.TypicalMilliPer1000())))
                .Concat(plan.SetupFeeList.Select(f => Extra(o, plan, f.Id, "setup", f.Name, f.NameEn, null, f.PriceCents, null, null, f.Vat, null)));
            await c.ExecuteAsync(CatalogSql.InsertExtra, extras, tx);
            await c.ExecuteAsync(CatalogSql.InsertTier, plan.MeteredList.SelectMany(m => m.Tiers.Select((t, i) => new
            {
                offering_id = o.Id, plan_id = plan.Id, extra_id = m.Id, tier_no = i, up_to = t.UpTo, unit_price_cents = t.UnitPriceCents,
            })), tx);
        }
    }

    private static object Extra(OfferingDescriptor o, PlanDescriptor plan, string id, string kind, string name, string nameEn,
        string? interval, long? price, string? unit, long? included, VatDescriptor? vat, long? typical)
    {
        var t = vat?.ToTreatment();
        return new
        {
            offering_id = o.Id, plan_id = plan.Id, extra_id = id, kind, name, name_en = nameEn, billing_interval = interval,
            price_cents = price, unit, included_per_month = included, vat_category = t?.Category, vat_rate_basis_points = t?.RateBasisPoints,
            vat_exemption_reason = t?.ExemptionReason, vat_exemption_code = t?.ExemptionCode, typical_milli_per_1000 = typical,
        };
    }

    /// <summary>Which version of the offering the catalogue shows, and whether it is active, deprecated or retired.</summary>
    public Task WritePublicationAsync(string offeringId, int version, string lifecycle, DateTimeOffset updatedAt) =>
        c.ExecuteAsync(dialect.Upsert("offering_publication", ["offering_id"], ["version", "lifecycle", "updated_at"]),
            new { offering_id = offeringId, version, lifecycle, updated_at = updatedAt }, tx);

    /// <summary>
    /// Replaces the conformance the catalogue shows for an offering. Returns whether anything changed, so callers
    /// bump the catalogue revision only for a real change.
    /// </summary>
    public async Task<bool> WriteConformanceAsync(string offeringId, IReadOnlyList<ProjectedConformance> rows)
    {
        // Read as a tuple: SQLite hands back the flag as an integer, and Dapper converts only into tuples and setters.
        var before = (await c.QueryAsync<(string StandardId, string StandardVersion, string Status, bool Required, DateTimeOffset? CheckedAt)>(
                CatalogSql.OfferingConformance, new { id = offeringId }, tx))
            .Select(r => new ProjectedConformance(r.StandardId, r.StandardVersion, r.Status, r.Required, r.CheckedAt))
            .OrderBy(r => r.StandardId, StringComparer.Ordinal).ToList();
        var after = rows.OrderBy(r => r.StandardId, StringComparer.Ordinal).ToList();
        if (before.SequenceEqual(after)) return false;
        await c.ExecuteAsync(CatalogSql.DeleteOfferingConformance, new { id = offeringId }, tx);
        await c.ExecuteAsync(CatalogSql.InsertConformance, after.Select(r => new
        {
            offering_id = offeringId, standard_id = r.StandardId, standard_version = r.StandardVersion, status = r.Status,
            required = r.Required, checked_at = r.CheckedAt,
        }), tx);
        return true;
    }

    /// <summary>Moves the catalogue revision so every instance rebuilds its search index.</summary>
    public Task BumpRevisionAsync() => c.ExecuteAsync(CatalogSql.BumpRevision, transaction: tx);
}
