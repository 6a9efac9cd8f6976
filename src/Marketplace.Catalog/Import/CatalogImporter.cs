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
    /// <summary>Imports the snapshot; <paramref name="steps"/> of other modules write in the same transaction, after the catalogue's tables.</summary>
    public async Task<ImportReport> ImportAsync(CatalogSnapshot snapshot, IReadOnlyList<CatalogImportStep>? steps = null, CancellationToken ct = default)
    {
        steps ??= [];
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var w = new Writer(connection, tx, database.Dialect);
        var offeringsElsewhere = steps.Any(s => s.WritesOfferings);
        var report = new Dictionary<string, ImportCounts>
        {
            ["laender"] = await w.Sync("laender", "code", snapshot.Laender, l => l.Code, w.WriteLand),
            ["themenfelder"] = await w.Sync("themenfelder", "id", snapshot.Themenfelder, t => t.Id, w.WriteThemenfeld),
            ["lebenslagen"] = await w.Sync("lebenslagen", "id", snapshot.Lebenslagen, l => l.Id, w.WriteLebenslage),
            ["leistungen"] = await w.Sync("leistungen", "ozg_id", snapshot.Leistungen, l => l.OzgId, w.WriteLeistung),
            ["standards"] = await w.Sync("standards", "id", snapshot.Standards, s => s.Id, w.WriteStandard),
            ["vendors"] = await w.Sync("vendors", "id", snapshot.Vendors, v => v.Id, w.WriteVendor),
            ["schnittstellen"] = await w.Sync("backoffice_interfaces", "id", snapshot.Schnittstellen, i => i.Id,
                (i, hash, _) => w.WriteDocument("backoffice_interfaces", i.Id, i.Name, i.NameEn, i, hash)),
            ["fachverfahren"] = await w.Sync("fachverfahren_areas", "id", snapshot.Fachverfahren, a => a.Id,
                (a, hash, _) => w.WriteDocument("fachverfahren_areas", a.Id, a.Name, a.NameEn, a, hash)),
        };
        if (!offeringsElsewhere) report["offerings"] = await w.Sync("offerings", "id", snapshot.Offerings, o => o.Id, w.WriteOffering);
        report["bundles"] = await w.Sync("bundles", "id", snapshot.Bundles, b => b.Id, w.WriteBundle);
        var context = new CatalogImportContext(connection, tx, database.Dialect);
        foreach (var step in steps)
            foreach (var (kind, counts) in await step.Write(context, ct))
                report[kind] = counts;
        var result = new ImportReport(report);
        if (result.Changed > 0) await connection.ExecuteAsync(CatalogSql.BumpRevision, transaction: tx);
        await tx.CommitAsync(ct);
        return result;
    }

    private sealed class Writer(DbConnection c, DbTransaction tx, ISqlDialect dialect)
    {
        private readonly OfferingProjection _offerings = new(c, tx, dialect);

        public async Task<ImportCounts> Sync<T>(string table, string keyColumn, IReadOnlyList<Loaded<T>> items,
            Func<T, string> key, Func<T, string, bool, Task> write)
        {
            var existing = (await c.QueryAsync<(string Key, string Hash)>(
                    CatalogSql.ContentHashes(table, keyColumn), transaction: tx))
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
                await c.ExecuteAsync(CatalogSql.DeleteLeistungLebenslagen, new { id = l.OzgId }, tx);
                await c.ExecuteAsync(CatalogSql.DeleteLeikaKeys, new { id = l.OzgId }, tx);
            }
            await c.ExecuteAsync(CatalogSql.InsertLeistungLebenslage,
                l.Lebenslagen.Distinct().Select(x => new { ozg_id = l.OzgId, lebenslage_id = x }), tx);
            await c.ExecuteAsync(CatalogSql.InsertLeikaKey,
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
                await c.ExecuteAsync(CatalogSql.DeleteCriteria, new { id = s.Id, version = v.Version }, tx);
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

        /// <summary>Reference data kept as its descriptor (the Fachverfahren areas, the interface standards).</summary>
        public Task WriteDocument<T>(string table, string id, string name, string nameEn, T document, string hash) =>
            Upsert(table, ["id"], ["name", "name_en", "document_json", "content_hash"],
                new { id, name, name_en = nameEn, document_json = JsonSerializer.Serialize(document, DescriptorJson.Options), content_hash = hash });

        public Task WriteOffering(OfferingDescriptor o, string hash, bool update) => _offerings.WriteAsync(o, hash, update);

        public async Task WriteBundle(BundleDescriptor b, string hash, bool update)
        {
            await Upsert("bundles", ["id"], ["name", "name_en", "lebenslage_id", "description", "content_hash"],
                new { id = b.Id, name = b.Name, name_en = b.NameEn, lebenslage_id = b.Lebenslage, description = b.Description, content_hash = hash });
            if (update) await c.ExecuteAsync(CatalogSql.DeleteBundleLeistungen, new { id = b.Id }, tx);
            await c.ExecuteAsync(CatalogSql.InsertBundleLeistung,
                b.Leistungen.Distinct().Select((l, i) => new { bundle_id = b.Id, ozg_id = l, position = i }), tx);
        }
    }
}
