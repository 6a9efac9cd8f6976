using System.Globalization;
using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Marketplace.Notifications.Exports;
using Marketplace.Notifications.SavedSearches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Notifications.Api;

/// <summary>
/// The signed-in user's notifications, notification preferences and saved searches (always their own: another user's
/// answers 404), and the CSV export of the catalogue search.
/// </summary>
public static class NotificationsApi
{
    public sealed record PreferencesRequest(string? Language, IReadOnlyList<CategoryPreference>? Categories);
    public sealed record SavedSearchRequest(string? Name, string? Query);

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Notifications);
        var me = api.MapGroup("/me");
        me.MapGet("/notifications", List).RequireAuthorization(Policies.Authenticated)
            .WithName("ListMyNotifications").WithSummary("The user's notifications, newest first (unread=true for unread only; limit, offset)")
            .ProducesValidationProblem();
        me.MapGet("/notifications/unread-count", UnreadCount).RequireAuthorization(Policies.Authenticated)
            .WithSummary("How many of the user's notifications are unread");
        me.MapPost("/notifications/{id}/read", MarkRead).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Marks one notification read").ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/notifications/read", MarkAllRead).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Marks all the user's notifications read");
        me.MapGet("/notification-preferences", Preferences).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The e-mail language and, per category, in-app and e-mail on or off (default: both on)");
        me.MapPut("/notification-preferences", SavePreferences).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Saves the language and the categories given").ProducesValidationProblem();
        me.MapGet("/saved-searches", SavedSearches).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The user's saved catalogue searches");
        me.MapPost("/saved-searches", SaveSearch).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Saves a catalogue search (query string as /api/v1/offerings takes it); new matching offerings are notified")
            .ProducesValidationProblem();
        me.MapDelete("/saved-searches/{id}", DeleteSearch).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Deletes a saved search").ProducesProblem(StatusCodes.Status404NotFound);

        // The catalogue is public, so is its export.
        api.MapGet("/offerings/export.csv", SearchCsv).AllowAnonymous()
            .WithName("ExportOfferingsCsv").WithSummary("All offerings matching the search (same parameters as /api/v1/offerings) as CSV")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem();
        return app;
    }

    public sealed record UnreadCountResponse(long Unread);

    private static string UserId(ClaimsPrincipal user) => user.SubjectOf() ?? throw new InvalidOperationException("authenticated principal without subject");

    private static async Task<Ok<IReadOnlyList<NotificationView>>> List(bool? unread, [AsParameters] PageRequest paging, ClaimsPrincipal user,
        NotificationStore store, CancellationToken ct)
    {
        var page = paging.Of(NotificationStore.MaxPageSize);
        return TypedResults.Ok(await store.ListAsync(UserId(user), unread == true, page.Limit, page.Offset, CultureInfo.CurrentUICulture, ct));
    }

    private static async Task<Ok<UnreadCountResponse>> UnreadCount(ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        TypedResults.Ok(new UnreadCountResponse(await store.UnreadCountAsync(UserId(user), ct)));

    private static async Task<Results<NoContent, NotFound>> MarkRead(string id, ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        await store.MarkReadAsync(UserId(user), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<NoContent> MarkAllRead(ClaimsPrincipal user, NotificationStore store, CancellationToken ct)
    {
        await store.MarkAllReadAsync(UserId(user), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<NotificationPreferences>> Preferences(ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.PreferencesAsync(UserId(user), ct));

    private static async Task<Ok<NotificationPreferences>> SavePreferences(PreferencesRequest? request, ClaimsPrincipal user, NotificationStore store,
        CancellationToken ct) =>
        TypedResults.Ok(await store.SavePreferencesAsync(UserId(user), request?.Language, request?.Categories ?? [], ct));

    private static async Task<Ok<IReadOnlyList<SavedSearch>>> SavedSearches(ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct) =>
        TypedResults.Ok(await searches.ListAsync(UserId(user), ct));

    private static async Task<Created<SavedSearch>> SaveSearch(SavedSearchRequest? request, ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct)
    {
        var saved = await searches.SaveAsync(UserId(user), request?.Name, request?.Query, ct);
        return TypedResults.Created($"/api/v1/me/saved-searches/{saved.Id}", saved);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteSearch(string id, ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct) =>
        await searches.DeleteAsync(UserId(user), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static FileContentHttpResult SearchCsv(HttpRequest request, ExportService exports) =>
        TypedResults.File(exports.Search(request.QueryString.Value), CsvExport.ContentType, "angebote.csv");
}
