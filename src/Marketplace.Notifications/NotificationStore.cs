using System.Data.Common;
using System.Globalization;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Notifications;

/// <summary>A user's own notifications and notification settings. Every method is scoped to the user: another user's notification does not exist.</summary>
public sealed class NotificationStore(Database database, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<IReadOnlyList<NotificationView>> ListAsync(string userId, bool unreadOnly, int limit, int offset, CultureInfo culture, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<NotificationRow>(new CommandDefinition(NotificationSql.NotificationsOf(database.Dialect, unreadOnly),
            new { userId, limit, offset }, cancellationToken: ct));
        return rows.Select(r => View(r, NotificationTexts.IsEnglish(culture))).ToList();
    }

    public async Task<long> UnreadCountAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(NotificationSql.UnreadCount, new { userId }, cancellationToken: ct));
    }

    /// <summary>Marks one of the user's notifications read; false when the user has no such notification.</summary>
    public async Task<bool> MarkReadAsync(string userId, string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition(NotificationSql.NotificationById, new { id }, cancellationToken: ct));
        if (row is null || row.UserId != userId) return false;
        await c.ExecuteAsync(new CommandDefinition(NotificationSql.MarkRead, new { id, userId, now = Now() }, cancellationToken: ct));
        return true;
    }

    public async Task<int> MarkAllReadAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(NotificationSql.MarkAllRead, new { userId, now = Now() }, cancellationToken: ct));
    }

    public async Task<NotificationPreferences> PreferencesAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await PreferencesAsync(c, null, userId);
    }

    internal static async Task<NotificationPreferences> PreferencesAsync(DbConnection c, DbTransaction? tx, string userId)
    {
        var stored = (await c.QueryAsync<(string UserId, string Category, bool InApp, bool Email)>(NotificationSql.PreferencesOf, new { userId }, tx))
            .ToDictionary(r => r.Category);
        var language = await c.ExecuteScalarAsync<string?>(NotificationSql.LanguageOf, new { userId }, tx) ?? NotificationLanguages.German;
        return new NotificationPreferences(language, NotificationCategories.All
            .Select(k => stored.TryGetValue(k, out var s) ? new CategoryPreference(k, s.InApp, s.Email) : new CategoryPreference(k, true, true)).ToList());
    }

    /// <summary>Saves the language and the given categories (others keep their setting); unknown values are refused by field.</summary>
    public async Task<NotificationPreferences> SavePreferencesAsync(string userId, string? language, IReadOnlyList<CategoryPreference> categories, CancellationToken ct = default)
    {
        if (language is not null && !NotificationLanguages.All.Contains(language))
            throw RequestValidationException.Coded("language", "one-of", $"eines von: {string.Join(", ", NotificationLanguages.All)}", string.Join(", ", NotificationLanguages.All));
        for (var i = 0; i < categories.Count; i++)
            if (!NotificationCategories.All.Contains(categories[i].Category))
                throw RequestValidationException.Coded($"categories/{i}/category", "one-of", $"eines von: {string.Join(", ", NotificationCategories.All)}",
                    string.Join(", ", NotificationCategories.All));
        var now = Now();
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (language is not null)
            await c.ExecuteAsync(NotificationSql.SaveLanguage(database.Dialect), new { user_id = userId, language, updated_at = now }, tx);
        foreach (var p in categories)
            await c.ExecuteAsync(NotificationSql.SavePreference(database.Dialect),
                new { user_id = userId, category = p.Category, in_app = p.InApp, email = p.Email, updated_at = now }, tx);
        await tx.CommitAsync(ct);
        return await PreferencesAsync(c, null, userId);
    }

    public static NotificationView View(NotificationRow r, bool english)
    {
        var (title, body) = NotificationTexts.Render(r.Kind, r.ParamsJson, english);
        return new NotificationView(r.Id, r.Category, r.Kind, r.ObjectType, r.ObjectId, title, body, NotificationTexts.Link(r), r.CreatedAt, r.ReadAt, r.ReadAt is null);
    }

    private DateTimeOffset Now() => clock.GetUtcNow();
}
