using System.Data.Common;
using Dapper;

namespace Marketplace.Catalog.Queries;

/// <summary>A standard of the registry (imported from catalog/standards).</summary>
public sealed record StandardRow(string Id, string Name, string NameEn, string Publisher, string Url, string Category, string Description);

/// <summary>One version of a standard: the day it takes effect and how long the previous version stays accepted.</summary>
public sealed record StandardVersionRow(string StandardId, string Version, string PublishedOn, int GracePeriodDays);

/// <summary>One criterion of a standard version; <c>DefinitionJson</c> holds its check or the evidence it asks for.</summary>
public sealed record StandardCriterionRow(string StandardId, string Version, string CriterionId, string Title, string Description, string Kind,
    string DefinitionJson);

/// <summary>
/// The standards registry and the Themenfeld of each Leistung (the scopes of the standards policy) as the conformance
/// module reads them, on the caller's connection and inside its transaction, so an evaluation sees one snapshot; and
/// the one write the registry allows others, adding a version.
/// </summary>
public sealed class StandardRecords
{
    public async Task<IReadOnlyList<StandardRow>> StandardsAsync(DbConnection c, DbTransaction? tx) =>
        (await c.QueryAsync<(string Id, string Name, string NameEn, string Publisher, string Url, string Category, string Description)>(
            CatalogSql.StandardRows, transaction: tx))
        .Select(s => new StandardRow(s.Id, s.Name, s.NameEn, s.Publisher, s.Url, s.Category, s.Description)).ToList();

    public async Task<IReadOnlyList<StandardVersionRow>> VersionsAsync(DbConnection c, DbTransaction? tx) =>
        (await c.QueryAsync<(string StandardId, string Version, string PublishedOn, long GracePeriodDays)>(CatalogSql.StandardVersionRows, transaction: tx))
        .Select(v => new StandardVersionRow(v.StandardId, v.Version, v.PublishedOn, (int)v.GracePeriodDays)).ToList();

    /// <summary>Every criterion, by standard and version in their order.</summary>
    public async Task<IReadOnlyList<StandardCriterionRow>> CriteriaAsync(DbConnection c, DbTransaction? tx) =>
        (await c.QueryAsync<(string StandardId, string Version, string CriterionId, string Title, string Description, string Kind, string DefinitionJson)>(
            CatalogSql.StandardCriterionRows, transaction: tx))
        .Select(r => new StandardCriterionRow(r.StandardId, r.Version, r.CriterionId, r.Title, r.Description, r.Kind, r.DefinitionJson)).ToList();

    /// <summary>The Themenfeld of every Leistung, by OZG id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ThemenfeldOfLeistungenAsync(DbConnection c, DbTransaction? tx) =>
        (await c.QueryAsync<(string OzgId, string ThemenfeldId)>(CatalogSql.ThemenfeldOfLeistungen, transaction: tx))
        .ToDictionary(r => r.OzgId, r => r.ThemenfeldId);

    /// <summary>
    /// Adds a version with its criteria in their order; false, adding nothing, when the standard has that version already
    /// (a version never changes: statuses and decisions refer to it).
    /// </summary>
    public async Task<bool> AddVersionAsync(DbConnection c, DbTransaction tx, StandardVersionRow version, IReadOnlyList<StandardCriterionRow> criteria)
    {
        if (await c.ExecuteScalarAsync<long>(CatalogSql.StandardVersionExists, new { id = version.StandardId, version = version.Version }, tx) > 0)
            return false;
        await c.ExecuteAsync(CatalogSql.InsertStandardVersion, new
        {
            standard_id = version.StandardId, version = version.Version, published_on = version.PublishedOn, grace_period_days = version.GracePeriodDays,
        }, tx);
        await c.ExecuteAsync(CatalogSql.InsertCriterion, criteria.Select((r, i) => new
        {
            standard_id = r.StandardId, version = r.Version, criterion_id = r.CriterionId, position = i, title = r.Title, description = r.Description,
            kind = r.Kind, definition_json = r.DefinitionJson,
        }), tx);
        return true;
    }
}
