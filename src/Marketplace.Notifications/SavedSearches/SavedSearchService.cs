using Dapper;
using Marketplace.Catalog.Search;
using Marketplace.Storage;

namespace Marketplace.Notifications.SavedSearches;

/// <summary>A user's saved catalogue searches. Saving records what already matches, so only offerings that match later are notified.</summary>
public sealed class SavedSearchService(Database database, CatalogSearchService search, TimeProvider clock)
{
    public const int MaxNameLength = 200;
    public const int MaxPerUser = 50;

    public async Task<IReadOnlyList<SavedSearch>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<SavedSearch>(new CommandDefinition(NotificationSql.SavedSearchesOf, new { userId }, cancellationToken: ct))).ToList();
    }

    public async Task<SavedSearch> SaveAsync(string userId, string? name, string? query, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) throw RequestValidationException.Coded("name", "saved-search.name-required", "Bitte geben Sie der Suche einen Namen.");
        if (name.Length > MaxNameLength) throw RequestValidationException.Coded("name", "max-length", $"höchstens {MaxNameLength} Zeichen", MaxNameLength);
        var parsed = CatalogQuery.Parse(query);
        if (parsed.Request is null)
            throw new RequestValidationException(parsed.Errors.Select(e => e with { Field = "query" }).ToList());
        if ((await ListAsync(userId, ct)).Count >= MaxPerUser)
            throw RequestValidationException.Coded("name", "saved-search.too-many", $"Höchstens {MaxPerUser} gespeicherte Suchen.", MaxPerUser);

        await search.RefreshAsync(ct);
        var matches = CatalogQuery.AllMatches(search.Current, parsed.Request).Select(m => m.Id).Distinct().ToList();
        var now = clock.GetUtcNow();
        var saved = new SavedSearch(Guid.NewGuid().ToString("N"), userId, name, CatalogQuery.Normalised(parsed.Request), now);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(NotificationSql.InsertSavedSearch, saved, tx);
        foreach (var offeringId in matches)
            await c.ExecuteAsync(NotificationSql.InsertMatch, new { id = saved.Id, offeringId, now }, tx);
        await tx.CommitAsync(ct);
        return saved;
    }

    /// <summary>Deletes one of the user's saved searches; false when the user has none with this id.</summary>
    public async Task<bool> DeleteAsync(string userId, string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.ExecuteScalarAsync<string?>(NotificationSql.SavedSearchOwner, new { id }, tx) != userId) return false;
        await c.ExecuteAsync(NotificationSql.DeleteSavedSearchMatches, new { id }, tx);
        await c.ExecuteAsync(NotificationSql.DeleteSavedSearch, new { id, userId }, tx);
        await tx.CommitAsync(ct);
        return true;
    }
}
