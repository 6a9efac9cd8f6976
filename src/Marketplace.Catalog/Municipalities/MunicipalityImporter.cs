using Dapper;
using Marketplace.Storage;

namespace Marketplace.Catalog.Municipalities;

public sealed record MunicipalityImportResult(int Inserted, int Updated, int Unchanged, int Units, IReadOnlyList<GvIsysError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
    public override string ToString() => Succeeded
        ? $"{Inserted} municipalities new, {Updated} changed, {Unchanged} unchanged; {Units} regional units"
        : $"{Errors.Count} errors, nothing imported:{Environment.NewLine}" + string.Join(Environment.NewLine, Errors);
}

/// <summary>
/// Imports a GV-ISys directory: all of it in one transaction or nothing. Rows that did not change are not
/// written, so importing the same quarter twice changes nothing.
/// </summary>
public sealed class MunicipalityImporter(Database database)
{
    public async Task<MunicipalityImportResult> ImportAsync(GvIsysDirectory directory, CancellationToken ct = default)
    {
        if (directory.Errors.Count > 0) return new MunicipalityImportResult(0, 0, 0, 0, directory.Errors);

        await using var c = await database.OpenAsync(ct);
        var landCodes = (await c.QueryAsync<string>(CatalogSql.LandCodes)).ToHashSet();
        var unknownLand = directory.Municipalities.Where(m => !landCodes.Contains(m.LandCode))
            .Select(m => new GvIsysError(0, "land", $"Land {m.LandCode} of {m.Ags} is not in the catalogue (import catalog/ first)"))
            .Take(10).ToList();
        if (unknownLand.Count > 0) return new MunicipalityImportResult(0, 0, 0, 0, unknownLand);
        var duplicates = directory.Municipalities.GroupBy(m => m.Ags).Where(g => g.Count() > 1)
            .Select(g => new GvIsysError(0, "ags", $"AGS {g.Key} appears {g.Count()} times")).Take(10).ToList();
        if (duplicates.Count > 0) return new MunicipalityImportResult(0, 0, 0, 0, duplicates);

        await using var tx = await c.BeginTransactionAsync(ct);
        var existingUnits = (await c.QueryAsync<UnitRow>(
                CatalogSql.AllRegionalUnits, transaction: tx))
            .ToDictionary(u => u.RegionalKey, u => new RegionalUnit(u.RegionalKey, (int)u.Satzart, u.Name));
        var unitUpsert = database.Dialect.Upsert("regional_units", ["regional_key"], ["satzart", "name"]);
        foreach (var u in directory.Units.Where(u => !existingUnits.TryGetValue(u.RegionalKey, out var e) || e != u))
            await c.ExecuteAsync(unitUpsert, new { regional_key = u.RegionalKey, satzart = u.Satzart, name = u.Name }, tx);

        var existing = (await c.QueryAsync<MunicipalityRow>(CatalogSql.AllMunicipalities, transaction: tx))
            .ToDictionary(m => m.Ags, m => new Municipality(m.Ags, m.Ars, m.Name, m.LandCode, m.KreisKey, (int)m.Population, m.PostalCode));
        var upsert = database.Dialect.Upsert("municipalities", ["ags"], ["ars", "name", "land_code", "kreis_key", "population", "postal_code"]);
        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var m in directory.Municipalities)
        {
            if (existing.TryGetValue(m.Ags, out var old))
            {
                if (old == m) { unchanged++; continue; }
                updated++;
            }
            else inserted++;
            await c.ExecuteAsync(upsert, new
            {
                ags = m.Ags, ars = m.Ars, name = m.Name, land_code = m.LandCode, kreis_key = m.KreisKey,
                population = m.Population, postal_code = m.PostalCode,
            }, tx);
        }
        await tx.CommitAsync(ct);
        return new MunicipalityImportResult(inserted, updated, unchanged, directory.Units.Count, []);
    }
}

// Rows as the engines return them (SQLite: 64-bit integers); Dapper converts into settable properties.
internal sealed class UnitRow
{
    public string RegionalKey { get; set; } = "";
    public long Satzart { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class MunicipalityRow
{
    public string Ags { get; set; } = "";
    public string Ars { get; set; } = "";
    public string Name { get; set; } = "";
    public string LandCode { get; set; } = "";
    public string KreisKey { get; set; } = "";
    public long Population { get; set; }
    public string PostalCode { get; set; } = "";
}
