using Marketplace.Identity.Server;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Identity.Access;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Marketplace.Storage;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Identity.Clients;

/// <summary>A machine client of an organisation (client credentials); acts with one role of that organisation.</summary>
public sealed record ApiClient
{
    public string ClientId { get; init; } = "";
    public string OrganisationId { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// Machine clients, managed by their organisation's admin: the secret is returned once and stored only as OpenIddict's
/// hash; the organisation and role live in api_clients. The OpenIddict application and the row change in one transaction.
/// </summary>
public sealed class ApiClientStore(IdentityStoreContext db, Database database, IOpenIddictApplicationManager applications,
    AuditTrail audit, OrganisationStore organisations, TimeProvider clock, CachedTokenValidation tokenValidation)
{
    public const string ApiScope = "marketplace";

    public async Task<IReadOnlyList<ApiClient>> ListAsync(string organisationId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<ApiClient>(new CommandDefinition(IdentitySql.ActiveClientsOf, new { id = organisationId }, cancellationToken: ct))).ToList();
    }

    public async Task<ApiClient?> FindActiveAsync(string clientId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ApiClient>(new CommandDefinition(IdentitySql.ActiveClient, new { clientId }, cancellationToken: ct));
    }

    /// <summary>Registers a client; returns it with its secret, which is shown once and never again.</summary>
    public async Task<(ApiClient Client, string Secret)> CreateAsync(string organisationId, string displayName, string role, Actor actor,
        string? clientId = null, string? secret = null, CancellationToken ct = default)
    {
        var org = await organisations.GetAsync(organisationId, ct) ?? throw new KeyNotFoundException(organisationId);
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 200)
            errors.Add(FieldError.Coded("displayName", "client.name", "Ein Name mit höchstens 200 Zeichen ist erforderlich."));
        if (!Roles.FitsOrganisation(role, org.Kind)) errors.Add(Roles.NotInOrganisation("role", org.Kind));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        clientId ??= "client-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        secret ??= Base64UrlSecret();
        var client = new ApiClient
        {
            ClientId = clientId, OrganisationId = org.Id, DisplayName = displayName.Trim(), Role = role, CreatedBy = actor.UserId,
            CreatedAt = clock.GetUtcNow(),
        };
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientSecret = secret, DisplayName = client.DisplayName, ClientType = ClientTypes.Confidential,
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + ApiScope,
            },
        };
        await db.InTransactionAsync(async (c, tx) =>
        {
            await applications.CreateAsync(descriptor, ct);
            await c.ExecuteAsync(IdentitySql.InsertClient, client, tx);
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "client.created", "api-client", clientId, null,
                new JsonObject { ["organisation"] = org.Id, ["displayName"] = client.DisplayName, ["role"] = role }));
            return true;
        }, ct);
        return (client, secret);
    }

    /// <summary>Deletes a client of this organisation: its tokens stop working; false when the organisation has no such client.</summary>
    public async Task<bool> DeleteAsync(string organisationId, string clientId, Actor actor, CancellationToken ct = default)
    {
        var deleted = await db.InTransactionAsync(async (c, tx) =>
        {
            var changed = await c.ExecuteAsync(IdentitySql.DeleteClient, new { clientId, org = organisationId, at = clock.GetUtcNow() }, tx);
            if (changed == 0) return false;
            if (await applications.FindByClientIdAsync(clientId, ct) is { } application)
                await applications.DeleteAsync(application, ct);
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "client.deleted", "api-client", clientId, null, null));
            return true;
        }, ct);
        // Its tokens stop working here at once (other instances: within TokenEntryCheckSeconds).
        if (deleted) tokenValidation.Forget();
        return deleted;
    }

    private static string Base64UrlSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
