using System.Data.Common;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Catalog.Queries;

/// <summary>The name of an offering (plan and extra ''), of a plan (extra '') or of an extra, German and English.</summary>
public sealed record OfferingItemName(string OfferingId, string PlanId, string ExtraId, string Name, string? NameEn);

/// <summary>
/// The published offering and bundle rows as other modules read them, on the caller's connection (and inside its
/// transaction where it has one), so a job reads the catalogue in the same snapshot as its own rows.
/// </summary>
public sealed class OfferingRecords(Database database)
{
    /// <summary>The offering's vendor and the hash of its published document; null for an unknown offering.</summary>
    public async Task<(string VendorId, string ContentHash)?> HeadAsync(DbConnection c, DbTransaction? tx, string offeringId) =>
        (await c.QueryAsync<(string VendorId, string ContentHash)>(CatalogSql.OfferingHead, new { offeringId }, tx))
        .Select(r => ((string, string)?)r).FirstOrDefault();

    /// <summary>The offering's name; null for an unknown offering.</summary>
    public Task<string?> NameAsync(DbConnection c, DbTransaction? tx, string offeringId) =>
        c.ExecuteScalarAsync<string?>(CatalogSql.OfferingName, new { offeringId }, tx);

    /// <summary>The names of the offerings, by id, in one query; an unknown offering is left out.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(DbConnection c, DbTransaction? tx, IEnumerable<string> offeringIds) =>
        (await c.QueryAsync<(string Id, string Name)>(CatalogSql.OfferingNamesOf(database.Dialect),
            new { offeringIds = offeringIds.Distinct(StringComparer.Ordinal).ToArray() }, tx))
        .ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);

    /// <summary>The vendor's offerings, id → name, in one query.</summary>
    public async Task<IReadOnlyDictionary<string, string>> OfVendorAsync(DbConnection c, DbTransaction? tx, string vendorId, CancellationToken ct = default) =>
        (await c.QueryAsync<(string Id, string Name)>(new CommandDefinition(CatalogSql.OfferingsOfVendor, new { vendorId }, tx, cancellationToken: ct)))
        .ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);

    /// <summary>
    /// The names of the offerings, their plans and their extras, German and English (null where none is given), in one query;
    /// an offering's own name has plan and extra '', a plan's extra ''.
    /// </summary>
    public async Task<IReadOnlyList<OfferingItemName>> ItemNamesAsync(DbConnection c, DbTransaction? tx, IEnumerable<string> offeringIds, CancellationToken ct = default) =>
        (await c.QueryAsync<OfferingItemName>(new CommandDefinition(CatalogSql.ItemNamesOf(database.Dialect),
            new { offeringIds = offeringIds.Distinct(StringComparer.Ordinal).ToArray() }, tx, cancellationToken: ct))).ToList();

    /// <summary>The offering's published descriptor as JSON.</summary>
    public Task<string?> DocumentAsync(DbConnection c, DbTransaction? tx, string offeringId) =>
        c.ExecuteScalarAsync<string?>(CatalogSql.OfferingDocument, new { offeringId }, tx);

    /// <summary>The codes of the Länder the offering may be ordered in.</summary>
    public async Task<IReadOnlySet<string>> LandCodesAsync(DbConnection c, DbTransaction? tx, string offeringId) =>
        (await c.QueryAsync<string>(CatalogSql.OfferingLandCodes, new { offeringId }, tx)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The Leistungen (OZG ids) each of the offerings provides, in one query; an unknown offering provides none.</summary>
    public async Task<ILookup<string, string>> LeistungenAsync(DbConnection c, DbTransaction? tx, IEnumerable<string> offeringIds) =>
        (await c.QueryAsync<(string OfferingId, string OzgId)>(CatalogSql.LeistungenOfOfferings(database.Dialect),
            new { offeringIds = offeringIds.Distinct(StringComparer.Ordinal).ToArray() }, tx))
        .ToLookup(r => r.OfferingId, r => r.OzgId, StringComparer.Ordinal);

    /// <summary>The Leistungen (OZG ids) of a life-event bundle in their order; empty for an unknown bundle.</summary>
    public async Task<IReadOnlyList<string>> BundleLeistungenAsync(string bundleId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(CatalogSql.BundleLeistungen, new { bundleId }, cancellationToken: ct))).ToList();
    }
}
