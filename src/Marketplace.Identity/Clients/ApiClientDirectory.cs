using Dapper;
using Marketplace.Storage;

namespace Marketplace.Identity.Clients;

/// <summary>
/// What other modules may know of API clients: whether an actor id is a client (a machine, not a person), and which
/// person created it. The four-eyes rule asks this: a client neither approves, nor is its creator a second pair of eyes.
/// </summary>
public sealed class ApiClientDirectory(Database database)
{
    /// <summary>The user id of the person who created the client <paramref name="actorId"/>; null when it is no client.</summary>
    public async Task<string?> CreatorOfAsync(string actorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(new CommandDefinition(IdentitySql.ClientCreator, new { clientId = actorId }, cancellationToken: ct));
    }

    public async Task<bool> IsClientAsync(string actorId, CancellationToken ct = default) => await CreatorOfAsync(actorId, ct) is not null;
}
