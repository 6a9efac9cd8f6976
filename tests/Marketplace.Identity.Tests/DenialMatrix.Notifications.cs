using Dapper;
using Marketplace.Storage;
using Marketplace.Identity.Stores;
using Marketplace.Notifications.SavedSearches;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>
    /// Rows for notifications, preferences, saved searches (each user's own: every signed-in user may call, and reaches only
    /// their own rows, so another user's notification or saved search answers 404).
    /// </summary>
    private static Row[] NotificationsRows =>
    [
        new("GET", "/api/v1/me/notifications", "/api/v1/me/notifications", null, Ok, []),
        new("GET", "/api/v1/me/notifications/unread-count", "/api/v1/me/notifications/unread-count", null, Ok, []),
        new("POST", "/api/v1/me/notifications/{id}/read", "/api/v1/me/notifications/{id}/read", null, NotFound, Map(([MuenchenAdmin], NoContent)),
            Prepare: async (host, url) => url.Replace("{id}", await MuenchenAdminNotificationAsync(host))),
        new("POST", "/api/v1/me/notifications/read", "/api/v1/me/notifications/read", null, NoContent, []),
        new("GET", "/api/v1/me/notification-preferences", "/api/v1/me/notification-preferences", null, Ok, []),
        new("PUT", "/api/v1/me/notification-preferences", "/api/v1/me/notification-preferences",
            () => new { language = "de", categories = new[] { new { category = "invoices", inApp = true, email = true } } }, Ok, []),
        new("GET", "/api/v1/me/saved-searches", "/api/v1/me/saved-searches", null, Ok, []),
        new("POST", "/api/v1/me/saved-searches", "/api/v1/me/saved-searches", () => new { name = "Matrix " + Unique(), query = "q=kfz" }, Created, []),
        new("DELETE", "/api/v1/me/saved-searches/{id}", "/api/v1/me/saved-searches/{id}", null, NotFound, Map(([MuenchenAdmin], NoContent)),
            Prepare: async (host, url) => url.Replace("{id}", await MuenchenAdminSavedSearchAsync(host))),
    ];

    private static async Task<string> MuenchenAdminIdAsync(IdentityHost host)
    {
        using var scope = host.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<MarketplaceUser>>().FindByEmailAsync(MuenchenAdmin))!.Id;
    }

    /// <summary>A fresh notification of München's buyer-admin, as the notifier writes it.</summary>
    private static async Task<string> MuenchenAdminNotificationAsync(IdentityHost host)
    {
        var id = "matrix-" + Unique();
        await using var c = await host.Database.Database.OpenAsync();
        await c.ExecuteAsync("""
            INSERT INTO user_notifications (id, user_id, category, kind, municipality_ags, object_type, object_id, params_json, source_key, created_at, read_at)
            VALUES (@id, @user, 'invoices', 'invoice.finalized', '09162000', 'invoice', 'no-such-invoice', '{}', @id, @now, NULL)
            """, new { id, user = await MuenchenAdminIdAsync(host), now = StoredTimestamp.Format(DateTimeOffset.UtcNow) });
        return id;
    }

    private static async Task<string> MuenchenAdminSavedSearchAsync(IdentityHost host) =>
        (await host.Services.GetRequiredService<SavedSearchService>().SaveAsync(await MuenchenAdminIdAsync(host), "Matrix " + Unique(), "q=kfz")).Id;
}
