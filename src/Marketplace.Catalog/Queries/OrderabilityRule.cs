using System.Data.Common;
using Dapper;

namespace Marketplace.Catalog.Queries;

/// <summary>Why an offering cannot be ordered: a stable code that pages and problem details turn into words.</summary>
public static class NotOrderableReasons
{
    public const string Retired = "retired";
    public const string Deprecated = "deprecated";
    public const string Unchecked = "unchecked";
    public const string NotConformant = "not-conformant";
    public const string Land = "land";
}

/// <summary>
/// The one orderability rule: an offering may be ordered when it is active, checked, conformant to every standard
/// the platform requires of it, and offered in the buyer's Land. The catalogue, the order API, bundles, rollouts and
/// the order pages all ask here.
/// </summary>
public static class OrderabilityRule
{
    /// <summary>Null when orderable; otherwise the first reason in the order a buyer can least change (lifecycle, conformance, Land).</summary>
    public static string? WhyNot(OfferingListing listing, bool offeredInLand = true) =>
        listing.Lifecycle == OfferingLifecycles.Retired ? NotOrderableReasons.Retired
        : listing.Lifecycle != OfferingLifecycles.Active ? NotOrderableReasons.Deprecated
        : listing.Conformance.Count == 0 ? NotOrderableReasons.Unchecked
        : listing.Conformance.Any(c => c.Required && c.Status != ConformanceStatuses.Conformant) ? NotOrderableReasons.NotConformant
        : offeredInLand ? null : NotOrderableReasons.Land;

    /// <summary>The required standards the listing is not conformant to.</summary>
    public static IReadOnlyList<string> MissingStandards(OfferingListing listing) =>
        listing.Conformance.Where(c => c.Required && c.Status != ConformanceStatuses.Conformant).Select(c => c.StandardId).ToList();

    /// <summary>
    /// The offering's listing as it is now in the database (not the in-memory catalogue, which follows changes only
    /// after its next refresh); null for an unknown offering. Retired offerings are included: orders must see them.
    /// </summary>
    public static async Task<OfferingListing?> CurrentAsync(DbConnection c, DbTransaction? tx, string offeringId)
    {
        var heads = (await c.QueryAsync<(long Version, string Lifecycle)>(CatalogSql.OfferingPublication, new { id = offeringId }, tx)).ToList();
        if (heads.Count == 0) return null;
        var conformance = (await c.QueryAsync<(string StandardId, string StandardVersion, string Status, bool Required, DateTimeOffset? CheckedAt)>(
                CatalogSql.OfferingConformance, new { id = offeringId }, tx))
            .Select(r => new StandardConformance(r.StandardId, r.StandardVersion, r.Status, r.Required, r.CheckedAt))
            .OrderBy(r => r.StandardId, StringComparer.Ordinal).ToList();
        return new OfferingListing((int)heads[0].Version, heads[0].Lifecycle, conformance);
    }

    /// <summary>The offering's lifecycle as it is now in the database; null for an unknown offering.</summary>
    public static async Task<string?> LifecycleAsync(DbConnection c, string offeringId) =>
        (await c.QueryAsync<(long Version, string Lifecycle)>(CatalogSql.OfferingPublication, new { id = offeringId })).Select(r => r.Lifecycle).FirstOrDefault();
}
