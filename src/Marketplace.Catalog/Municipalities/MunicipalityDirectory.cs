using System.Data.Common;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Catalog.Municipalities;

/// <summary>A municipality with its Land, as other modules read it from the directory.</summary>
public sealed class MunicipalityInfo
{
    public string Ags { get; init; } = "";
    public string Name { get; init; } = "";
    public string LandCode { get; init; } = "";
    public string LandAbbreviation { get; init; } = "";
    public string LandName { get; init; } = "";
    public long Population { get; init; }
}

/// <summary>
/// The municipality directory (imported from GV-ISys) and the Länder, published for the other modules: they read
/// municipalities here instead of naming the catalogue's tables.
/// </summary>
public sealed class MunicipalityDirectory(Database database)
{
    /// <summary>Ids per query: a bundler's picker can hold every municipality of a Land.</summary>
    private const int Batch = 500;

    public async Task<MunicipalityInfo?> GetAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await GetAsync(c, null, ags, ct);
    }

    /// <summary>The municipality on the caller's connection, inside its transaction when it has one; null for an unknown AGS.</summary>
    public Task<MunicipalityInfo?> GetAsync(DbConnection c, DbTransaction? tx, string ags, CancellationToken ct = default) =>
        c.QuerySingleOrDefaultAsync<MunicipalityInfo>(new CommandDefinition(CatalogSql.Municipality, new { ags }, tx, cancellationToken: ct));

    /// <summary>The municipalities of <paramref name="agsList"/> the directory knows, by AGS.</summary>
    public async Task<IReadOnlyDictionary<string, MunicipalityInfo>> GetManyAsync(IEnumerable<string> agsList, CancellationToken ct = default)
    {
        var wanted = agsList.Distinct(StringComparer.Ordinal).ToArray();
        var found = new Dictionary<string, MunicipalityInfo>(StringComparer.Ordinal);
        if (wanted.Length == 0) return found;
        await using var c = await database.OpenAsync(ct);
        foreach (var batch in wanted.Chunk(Batch))
            foreach (var m in await c.QueryAsync<MunicipalityInfo>(
                         new CommandDefinition(CatalogSql.Municipalities(database.Dialect), new { agsList = batch }, cancellationToken: ct)))
                found[m.Ags] = m;
        return found;
    }

    /// <summary>Names as people use them, by AGS; an AGS the directory does not know stands for itself.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string> agsList, CancellationToken ct = default)
    {
        var wanted = agsList.Distinct(StringComparer.Ordinal).ToArray();
        var known = await GetManyAsync(wanted, ct);
        return wanted.ToDictionary(a => a, a => known.TryGetValue(a, out var m) ? m.Name : a, StringComparer.Ordinal);
    }

    /// <summary>The inhabited municipalities of a Land (the directory also lists unincorporated areas), by AGS.</summary>
    public async Task<IReadOnlyList<MunicipalityInfo>> InhabitedOfLandAsync(string landCode, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<MunicipalityInfo>(new CommandDefinition(CatalogSql.InhabitedMunicipalitiesOfLand, new { landCode }, cancellationToken: ct))).ToList();
    }

    public async Task<bool> LandExistsAsync(string landCode, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(CatalogSql.LandCount, new { landCode }, cancellationToken: ct)) > 0;
    }
}
