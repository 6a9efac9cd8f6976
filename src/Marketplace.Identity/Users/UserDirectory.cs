using System.Data.Common;
using Dapper;

namespace Marketplace.Identity.Users;

/// <summary>A user of a municipality with one of their roles (a user with several roles comes once per role, without one once with null).</summary>
public sealed record MunicipalityUser(string UserId, string? Email, string? Role);

/// <summary>
/// The users other modules address (notifications' recipients), read on the caller's connection and inside its
/// transaction, so a reader sees users in the same snapshot as its own rows.
/// </summary>
public sealed class UserDirectory
{
    /// <summary>The users of the municipality's organisation with their roles, by user id.</summary>
    public async Task<IReadOnlyList<MunicipalityUser>> OfMunicipalityAsync(DbConnection c, DbTransaction? tx, string ags) =>
        (await c.QueryAsync<(string UserId, string? Email, string? Role)>(IdentitySql.MunicipalityUsers, new { ags }, tx))
        .Select(u => new MunicipalityUser(u.UserId, u.Email, u.Role)).ToList();

    /// <summary>The ids of the platform's auditors.</summary>
    public async Task<IReadOnlyList<string>> AuditorsAsync(DbConnection c, DbTransaction? tx) =>
        (await c.QueryAsync<string>(IdentitySql.PlatformAuditors, transaction: tx)).ToList();

    /// <summary>The user's e-mail address; null for an unknown user.</summary>
    public Task<string?> EmailAsync(DbConnection c, DbTransaction? tx, string? userId) =>
        c.ExecuteScalarAsync<string?>(IdentitySql.UserEmail, new { userId }, tx);
}
