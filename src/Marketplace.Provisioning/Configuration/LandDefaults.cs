using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Configuration;

/// <summary>Who sets a Land default: the offering's vendor, or a Land's bundling organisation (which wins over the vendor).</summary>
public static class LandDefaultSource
{
    public const string Vendor = "vendor";
    public const string Bundler = "bundler";
}

/// <summary>A Land default as stored (secrets protected).</summary>
public sealed record LandDefault(string OfferingId, string LandCode, string SourceKind, string SourceOrgId, JsonObject Values, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>
/// Landesspezifische Ausprägungen: default configuration per offering and Land, set by the vendor or a bundling
/// organisation and merged under every municipality's own values.
/// </summary>
public sealed class LandDefaults(Database database, AuditTrail audit, ConfigSecrets secrets, OfferingDirectory offerings, LandDesignations designations,
    TimeProvider clock)
{
    /// <summary>Sets (replaces) one source's defaults; throws <see cref="RequestValidationException"/> with the fields at fault.</summary>
    public async Task SetAsync(string offeringId, string landCode, string sourceKind, string sourceOrgId, JsonObject values,
        string actorUserId, CancellationToken ct = default)
    {
        if (sourceKind is not (LandDefaultSource.Vendor or LandDefaultSource.Bundler))
            throw new ArgumentOutOfRangeException(nameof(sourceKind), sourceKind, "vendor or bundler");
        var offering = await offerings.GetAsync(offeringId, ct) ?? throw new NotFoundException("offering", offeringId);
        if (sourceKind == LandDefaultSource.Vendor && sourceOrgId != offering.VendorId)
            throw new ForbiddenException("Nur der Anbieter des Angebots setzt die Vorgaben des Anbieters.") { Code = "land-defaults.vendor-only" };
        if (sourceKind == LandDefaultSource.Bundler && !await designations.SpeaksForLandAsync(landCode, sourceOrgId, ct))
            throw new ForbiddenException($"Nur die für das Land {landCode} bestimmte bündelnde Organisation setzt seine Landesvorgaben.")
                { Code = "land-defaults.designated-bundler-only", Args = [landCode] };
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        var errors = schema.Validate(values, requireComplete: false);
        if (errors.Count > 0) throw new RequestValidationException(errors.Select(e => e.At("configuration")).ToList());

        // Encrypt before the transaction: the first encryption may write a new key to the database's key ring.
        var protectedValues = secrets.Protect(schema, values);
        await using var work = await Work.BeginAsync(database, audit, ct);
        await work.Connection.ExecuteAsync(
            database.Dialect.Upsert("land_config_defaults", ["offering_id", "land_code", "source_kind"], ["source_org_id", "values_json", "updated_by", "updated_at"]),
            new
            {
                offering_id = offeringId, land_code = landCode, source_kind = sourceKind, source_org_id = sourceOrgId,
                values_json = protectedValues.ToJsonString(), updated_by = actorUserId, updated_at = clock.GetUtcNow(),
            }, work.Transaction);
        work.Audit(new AuditEntry(actorUserId, sourceOrgId, "land-default.set", "land-config-default", $"{offeringId}/{landCode}/{sourceKind}",
            null, ConfigSecrets.Redact(protectedValues, out _)));
        await work.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<LandDefault>> ForAsync(string offeringId, string landCode, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await ForAsync(c, null, offeringId, landCode);
    }

    internal static async Task<IReadOnlyList<LandDefault>> ForAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx,
        string offeringId, string landCode) =>
        (await c.QueryAsync<(string OfferingId, string LandCode, string SourceKind, string SourceOrgId, string ValuesJson, string UpdatedBy, DateTimeOffset UpdatedAt)>(
            ProvisioningSql.LandDefaultsOf, new { offeringId, landCode }, tx))
        .Select(r => new LandDefault(r.OfferingId, r.LandCode, r.SourceKind, r.SourceOrgId, (JsonObject)JsonNode.Parse(r.ValuesJson)!, r.UpdatedBy, r.UpdatedAt))
        .ToList();

    /// <summary>The layers under a municipality's own values: vendor default, then bundler default.</summary>
    public static IEnumerable<ConfigLayer> Layers(IEnumerable<LandDefault> defaults) => defaults
        .OrderBy(d => d.SourceKind == LandDefaultSource.Vendor ? 0 : 1)
        .Select(d => new ConfigLayer(new ConfigSource(
            d.SourceKind == LandDefaultSource.Vendor ? ConfigSource.VendorLandDefault : ConfigSource.BundlerLandDefault, d.SourceOrgId), d.Values));
}
