using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Catalog.Import;

/// <summary>What an import did, per kind: how many entities were new, changed or left as they were.</summary>
public sealed record ImportReport(IReadOnlyDictionary<string, ImportCounts> Kinds)
{
    public int Changed => Kinds.Values.Sum(k => k.Inserted + k.Updated);
    public override string ToString() =>
        string.Join(", ", Kinds.Select(k => $"{k.Key}: {k.Value.Inserted} new, {k.Value.Updated} changed, {k.Value.Unchanged} unchanged"));
}

public sealed record ImportCounts(int Inserted, int Updated, int Unchanged);

/// <summary>
/// Writes a validated catalogue snapshot to the database in one transaction. An entity whose descriptor hash
/// is unchanged is not touched; an edited one is rewritten with its child rows; the catalogue revision moves
/// only when something changed, so a second import of the same files changes nothing at all.
/// </summary>
public sealed class CatalogImporter(Database database)
{
    public async Task<ImportReport> ImportAsync(CatalogSnapshot snapshot, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var w = new Writer(connection, tx, database.Dialect);
        var report = new Dictionary<string, ImportCounts>
        {
            ["laender"] = await w.Sync("laender", "code", snapshot.Laender, l => l.Code, w.WriteLand),
            ["themenfelder"] = await w.Sync("themenfelder", "id", snapshot.Themenfelder, t => t.Id, w.WriteThemenfeld),
            ["lebenslagen"] = await w.Sync("lebenslagen", "id", snapshot.Lebenslagen, l => l.Id, w.WriteLebenslage),
            ["leistungen"] = await w.Sync("leistungen", "ozg_id", snapshot.Leistungen, l => l.OzgId, w.WriteLeistung),
            ["standards"] = await w.Sync("standards", "id", snapshot.Standards, s => s.Id, w.WriteStandard),
            ["vendors"] = await w.Sync("vendors", "id", snapshot.Vendors, v => v.Id, w.WriteVendor),
            ["offerings"] = await w.Sync("offerings", "id", snapshot.Offerings, o => o.Id, w.WriteOffering),
            ["bundles"] = await w.Sync("bundles", "id", snapshot.Bundles, b => b.Id, w.WriteBundle),
        };
        var result = new ImportReport(report);
        if (result.Changed > 0) await connection.ExecuteAsync(CatalogSql.BumpRevision, transaction: tx);
        await tx.CommitAsync(ct);
        return result;
    }

    private sealed class Writer(DbConnection c, DbTransaction tx, ISqlDialect dialect)
    {
        private readonly Dictionary<string, string> _landCodes = new();

        public async Task<ImportCounts> Sync<T>(string table, string keyColumn, IReadOnlyList<Loaded<T>> items,
            Func<T, string> key, Func<T, string, bool, Task> write)
        {
            var existing = (await c.QueryAsync<(string Key, string Hash)>(
                    $"SELECT {keyColumn}, content_hash FROM {table}", transaction: tx))
                .ToDictionary(r => r.Key, r => r.Hash);
            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var item in items)
            {
                var id = key(item.Value);
                if (existing.TryGetValue(id, out var hash))
                {
                    if (hash == item.ContentHash) { unchanged++; continue; }
                    await write(item.Value, item.ContentHash, true);
                    updated++;
                }
                else
                {
                    await write(item.Value, item.ContentHash, false);
                    inserted++;
                }
            }
            return new ImportCounts(inserted, updated, unchanged);
        }

        private Task Upsert(string table, string[] keys, string[] columns, object row) =>
            c.ExecuteAsync(dialect.Upsert(table, keys, columns), row, tx);

        public async Task WriteLand(LandDescriptor l, string hash, bool update)
        {
            await Upsert("laender", ["code"], ["abbreviation", "name", "name_en", "content_hash"],
                new { code = l.Code, abbreviation = l.Abbreviation, name = l.Name, name_en = l.NameEn, content_hash = hash });
        }

        public Task WriteThemenfeld(ThemenfeldDescriptor t, string hash, bool update) =>
            Upsert("themenfelder", ["id"], ["name", "name_en", "content_hash"],
                new { id = t.Id, name = t.Name, name_en = t.NameEn, content_hash = hash });

        public Task WriteLebenslage(LebenslageDescriptor l, string hash, bool update) =>
            Upsert("lebenslagen", ["id"], ["name", "name_en", "themenfeld_id", "content_hash"],
                new { id = l.Id, name = l.Name, name_en = l.NameEn, themenfeld_id = l.Themenfeld, content_hash = hash });

        public async Task WriteLeistung(LeistungDescriptor l, string hash, bool update)
        {
            await Upsert("leistungen", ["ozg_id"], ["name", "name_en", "themenfeld_id", "description", "content_hash"],
                new { ozg_id = l.OzgId, name = l.Name, name_en = l.NameEn, themenfeld_id = l.Themenfeld, description = l.Description, content_hash = hash });
            if (update)
            {
                await c.ExecuteAsync("DELETE FROM leistung_lebenslagen WHERE ozg_id = @id", new { id = l.OzgId }, tx);
                await c.ExecuteAsync("DELETE FROM leistung_leika_keys WHERE ozg_id = @id", new { id = l.OzgId }, tx);
            }
            await c.ExecuteAsync("INSERT INTO leistung_lebenslagen (ozg_id, lebenslage_id) VALUES (@ozg_id, @lebenslage_id)",
                l.Lebenslagen.Distinct().Select(x => new { ozg_id = l.OzgId, lebenslage_id = x }), tx);
            await c.ExecuteAsync("INSERT INTO leistung_leika_keys (leika_key, ozg_id) VALUES (@leika_key, @ozg_id)",
                l.LeikaKeys.Distinct().Select(k => new { leika_key = k, ozg_id = l.OzgId }), tx);
        }

        public async Task WriteStandard(StandardDescriptor s, string hash, bool update)
        {
            await Upsert("standards", ["id"], ["name", "name_en", "publisher", "url", "category", "description", "content_hash"],
                new { id = s.Id, name = s.Name, name_en = s.NameEn, publisher = s.Publisher, url = s.Url, category = s.Category, description = s.Description, content_hash = hash });
            foreach (var v in s.Versions)
            {
                // Versions are upserted, never deleted: offerings and conformance decisions refer to them.
                await Upsert("standard_versions", ["standard_id", "version"], ["published_on", "grace_period_days"],
                    new { standard_id = s.Id, version = v.Version, published_on = v.PublishedOn, grace_period_days = v.GracePeriodDays });
                await c.ExecuteAsync("DELETE FROM standard_criteria WHERE standard_id = @id AND version = @version", new { id = s.Id, version = v.Version }, tx);
                await c.ExecuteAsync(CatalogSql.InsertCriterion, v.Criteria.Select((cr, i) => new
                {
                    standard_id = s.Id, version = v.Version, criterion_id = cr.Id, position = i, title = cr.Title,
                    description = cr.Description, kind = cr.Kind,
                    definition_json = JsonSerializer.Serialize(new { check = cr.Check, evidence = cr.Evidence }, DescriptorJson.Options),
                }), tx);
            }
        }

        public Task WriteVendor(VendorDescriptor v, string hash, bool update) =>
            Upsert("vendors", ["id"], ["name", "short_name", "vat_id", "website", "description", "document_json", "content_hash"],
                new
                {
                    id = v.Id, name = v.Name, short_name = v.ShortName, vat_id = v.VatId, website = v.Website, description = v.Description,
                    document_json = JsonSerializer.Serialize(v, DescriptorJson.Options), content_hash = hash,
                });

        public async Task WriteOffering(OfferingDescriptor o, string hash, bool update)
        {
            await Upsert("offerings", ["id"],
                ["vendor_id", "name", "name_en", "summary", "reifegrad", "hosting_location", "provisioning_type", "price_from_cents", "document_json", "content_hash"],
                new
                {
                    id = o.Id, vendor_id = o.Vendor, name = o.Name, name_en = o.NameEn, summary = o.Summary, reifegrad = o.Reifegrad,
                    hosting_location = o.Hosting.Location, provisioning_type = o.Provisioning.Type,
                    price_from_cents = OfferingPricing.PriceFromCents(o),
                    document_json = JsonSerializer.Serialize(o, DescriptorJson.Options), content_hash = hash,
                });
            if (update)
                foreach (var table in new[] { "plan_extra_tiers", "plan_extras", "plans", "offering_leistungen", "offering_laender", "offering_standards" })
                    await c.ExecuteAsync($"DELETE FROM {table} WHERE offering_id = @id", new { id = o.Id }, tx);

            await c.ExecuteAsync("INSERT INTO offering_leistungen (offering_id, ozg_id) VALUES (@offering_id, @ozg_id)",
                o.Leistungen.Distinct().Select(l => new { offering_id = o.Id, ozg_id = l }), tx);
            if (_landCodes.Count == 0)
                foreach (var (abbr, code) in await c.QueryAsync<(string, string)>("SELECT abbreviation, code FROM laender", transaction: tx))
                    _landCodes[abbr] = code;
            var codes = o.AllLaender ? _landCodes.Values : o.Laender.Distinct().Select(a => _landCodes[a]);
            await c.ExecuteAsync("INSERT INTO offering_laender (offering_id, land_code) VALUES (@offering_id, @land_code)",
                codes.Select(code => new { offering_id = o.Id, land_code = code }), tx);
            await c.ExecuteAsync("INSERT INTO offering_standards (offering_id, standard_id, version) VALUES (@offering_id, @standard_id, @version)",
                o.Standards.Select(s => new { offering_id = o.Id, standard_id = s.Standard, version = s.Version }), tx);

            for (var p = 0; p < o.Plans.Count; p++)
            {
                var plan = o.Plans[p];
                await c.ExecuteAsync(CatalogSql.InsertPlan, new
                {
                    offering_id = o.Id, plan_id = plan.Id, position = p, name = plan.Name, name_en = plan.NameEn,
                    funder = plan.StandardPackage.Funder, list_value_cents_per_month = plan.StandardPackage.ListValueCentsPerMonth,
                }, tx);
                var extras = plan.AddOnList.Select(a => Extra(o, plan, a.Id, "addon", a.Name, a.NameEn, a.Interval, a.PriceCents, null, null))
                    .Concat(plan.MeteredList.Select(m => Extra(o, plan, m.Id, "metered", m.Name, m.NameEn, null, null, m.Unit, m.IncludedPerMonth)))
                    .Concat(plan.SetupFeeList.Select(f => Extra(o, plan, f.Id, "setup", f.Name, f.NameEn, null, f.PriceCents, null, null)));
                await c.ExecuteAsync(CatalogSql.InsertExtra, extras, tx);
                await c.ExecuteAsync(CatalogSql.InsertTier, plan.MeteredList.SelectMany(m => m.Tiers.Select((t, i) => new
                {
                    offering_id = o.Id, plan_id = plan.Id, extra_id = m.Id, tier_no = i, up_to = t.UpTo, unit_price_cents = t.UnitPriceCents,
                })), tx);
            }
        }

        private static object Extra(OfferingDescriptor o, PlanDescriptor plan, string id, string kind, string name, string nameEn,
            string? interval, long? price, string? unit, long? included) => new
        {
            offering_id = o.Id, plan_id = plan.Id, extra_id = id, kind, name, name_en = nameEn, billing_interval = interval,
            price_cents = price, unit, included_per_month = included,
        };

        public async Task WriteBundle(BundleDescriptor b, string hash, bool update)
        {
            await Upsert("bundles", ["id"], ["name", "name_en", "lebenslage_id", "description", "content_hash"],
                new { id = b.Id, name = b.Name, name_en = b.NameEn, lebenslage_id = b.Lebenslage, description = b.Description, content_hash = hash });
            if (update) await c.ExecuteAsync("DELETE FROM bundle_leistungen WHERE bundle_id = @id", new { id = b.Id }, tx);
            await c.ExecuteAsync("INSERT INTO bundle_leistungen (bundle_id, ozg_id, position) VALUES (@bundle_id, @ozg_id, @position)",
                b.Leistungen.Distinct().Select((l, i) => new { bundle_id = b.Id, ozg_id = l, position = i }), tx);
        }
    }
}
