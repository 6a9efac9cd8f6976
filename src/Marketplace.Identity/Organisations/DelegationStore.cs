using Dapper;
using Marketplace.Audit;
using Marketplace.Identity.Access;
using Marketplace.Storage;

namespace Marketplace.Identity.Organisations;

/// <summary>
/// Grants and revokes a municipality's delegations to bundling organisations. Revocation is immediate: access checks
/// (<see cref="TenantAccess"/>) read the active delegation on every request.
/// </summary>
public sealed class DelegationStore(Database database, AuditTrail audit, TimeProvider clock)
{
    public async Task<Delegation?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Delegation>(new CommandDefinition(IdentitySql.DelegationById, new { id }, cancellationToken: ct));
    }

    /// <summary>The delegations a municipality has granted and not revoked.</summary>
    public async Task<IReadOnlyList<Delegation>> ActiveOfMunicipalityAsync(string municipalityOrganisationId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Delegation>(new CommandDefinition(IdentitySql.ActiveDelegationsOfMunicipality,
            new { municipality = municipalityOrganisationId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The municipalities a bundler currently acts for.</summary>
    public async Task<IReadOnlyList<Delegation>> ActiveToBundlerAsync(string bundlerOrganisationId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Delegation>(new CommandDefinition(IdentitySql.ActiveDelegationsToBundler,
            new { bundler = bundlerOrganisationId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Grants a bundler the given permissions; an active delegation to the same bundler gets the new permissions instead.</summary>
    public async Task<Delegation> GrantAsync(Organisation municipality, string bundlerOrganisationId, DelegationGrant grant, Actor actor, CancellationToken ct = default)
    {
        if (!municipality.IsMunicipality || municipality.MunicipalityAgs is null)
            throw RequestValidationException.Coded("municipality", "delegation.municipality-only", "Nur eine Kommune überträgt das Bestellen.");
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var bundler = await c.QuerySingleOrDefaultAsync<Organisation>(IdentitySql.OrganisationById, new { id = bundlerOrganisationId }, tx);
        if (bundler is not { IsBundler: true })
            throw RequestValidationException.Coded("bundlerOrganisationId", "delegation.unknown-bundler", "Keine bündelnde Organisation mit dieser Kennung.");
        var existing = await c.QuerySingleOrDefaultAsync<Delegation>(IdentitySql.ActiveDelegationOf,
            new { municipality = municipality.Id, bundler = bundler.Id }, tx);
        Delegation after;
        if (existing is null)
        {
            after = new Delegation
            {
                Id = "dlg-" + Guid.NewGuid().ToString("N"), MunicipalityOrganisationId = municipality.Id, MunicipalityAgs = municipality.MunicipalityAgs,
                MunicipalityName = municipality.Name, BundlerOrganisationId = bundler.Id, BundlerName = bundler.Name,
                CanOrder = grant.Order, CanConfigure = grant.Configure, CanViewInvoices = grant.ViewInvoices,
                GrantedBy = actor.UserId, GrantedAt = clock.GetUtcNow(),
            };
            await c.ExecuteAsync(IdentitySql.InsertDelegation, after, tx);
        }
        else
        {
            after = existing with { CanOrder = grant.Order, CanConfigure = grant.Configure, CanViewInvoices = grant.ViewInvoices };
            await c.ExecuteAsync(IdentitySql.UpdateDelegationPermissions, after, tx);
        }
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, existing is null ? "delegation.granted" : "delegation.changed",
            "delegation", after.Id, existing is null ? null : AuditTrail.Snapshot(existing), AuditTrail.Snapshot(after)));
        await tx.CommitAsync(ct);
        return after;
    }

    /// <summary>Revokes an active delegation of this municipality; false when there is none with this id (the caller answers 404).</summary>
    public async Task<bool> RevokeAsync(string municipalityOrganisationId, string delegationId, Actor actor, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var before = await c.QuerySingleOrDefaultAsync<Delegation>(IdentitySql.DelegationById, new { id = delegationId }, tx);
        var at = clock.GetUtcNow();
        var changed = await c.ExecuteAsync(IdentitySql.RevokeDelegation, new { id = delegationId, municipality = municipalityOrganisationId, by = actor.UserId, at }, tx);
        if (changed == 0) return false;
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "delegation.revoked", "delegation", delegationId,
            AuditTrail.Snapshot(before), AuditTrail.Snapshot(before! with { RevokedBy = actor.UserId, RevokedAt = at })));
        await tx.CommitAsync(ct);
        return true;
    }
}
