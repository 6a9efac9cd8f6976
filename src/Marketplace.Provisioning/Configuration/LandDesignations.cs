using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Identity.Organisations;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Configuration;

/// <summary>The bundling organisation a Land has designated to set its Land defaults.</summary>
public sealed record LandDesignation(string LandCode, string OrganisationId, string DesignatedBy, DateTimeOffset DesignatedAt);

/// <summary>
/// Who speaks for a Land: a platform-admin designates one bundling organisation per Land. Only that organisation, or the
/// Land's own organisation (a bundler of type "land" in that Land), sets the Land's bundler defaults; any other bundler
/// whose Land code merely matches does not.
/// </summary>
public sealed class LandDesignations(Database database, AuditTrail audit, OrganisationStore organisations, MunicipalityDirectory municipalities, TimeProvider clock)
{
    public async Task<LandDesignation?> GetAsync(string landCode, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<LandDesignation>(new CommandDefinition(LandDesignationSql.Get, new { landCode }, cancellationToken: ct));
    }

    /// <summary>Designates (or replaces) the Land's bundling organisation; refusals name the field.</summary>
    public async Task SetAsync(string landCode, string organisationId, string actorUserId, string? actorOrganisationId, CancellationToken ct = default)
    {
        if (!await municipalities.LandExistsAsync(landCode, ct)) throw new NotFoundException("land", landCode);
        if (await organisations.GetAsync(organisationId, ct) is not { IsBundler: true } bundler || bundler.LandCode != landCode)
            throw RequestValidationException.Coded("organisationId", "land.not-bundler", $"keine bündelnde Organisation des Landes {landCode}", landCode);

        await using var work = await Work.BeginAsync(database, audit, ct);
        var before = await work.Connection.QuerySingleOrDefaultAsync<LandDesignation>(LandDesignationSql.Get, new { landCode }, work.Transaction);
        await work.Connection.ExecuteAsync(
            database.Dialect.Upsert("land_designations", ["land_code"], ["organisation_id", "designated_by", "designated_at"]),
            new { land_code = landCode, organisation_id = organisationId, designated_by = actorUserId, designated_at = clock.GetUtcNow() },
            work.Transaction);
        work.Audit(new AuditEntry(actorUserId, actorOrganisationId, "land-designation.set", "land", landCode,
            before is null ? null : new JsonObject { ["organisationId"] = before.OrganisationId }, new JsonObject { ["organisationId"] = organisationId }));
        await work.CommitAsync(ct);
    }

    /// <summary>True when <paramref name="organisationId"/> may set the Land's bundler defaults (checked at write time).</summary>
    public async Task<bool> SpeaksForLandAsync(string landCode, string organisationId, CancellationToken ct = default)
    {
        if ((await GetAsync(landCode, ct))?.OrganisationId == organisationId) return true;
        return await organisations.GetAsync(organisationId, ct) is { IsBundler: true, BundlerType: "land" } own && own.LandCode == landCode;
    }
}

/// <summary>Development: the demo bundler speaks for its Land (Bayern), so the demo shows Land defaults end to end.</summary>
internal sealed class LandDesignationDemoSeeder(LandDesignations designations) : Marketplace.Identity.IDemoDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        if (await designations.GetAsync("09", ct) is null)
            await designations.SetAsync("09", Marketplace.Identity.DemoSeeder.Bundler, Actor.System.UserId, null, ct);
    }
}
