using System.Globalization;
using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Storage;
using Marketplace.Notifications.Exports;
using Marketplace.Notifications.SavedSearches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
            .Produces<IReadOnlyList<NotificationView>>().ProducesValidationProblem();
        me.MapGet("/notifications/unread-count", UnreadCount).RequireAuthorization(Policies.Authenticated)
            .WithSummary("How many of the user's notifications are unread").Produces<UnreadCountResponse>();
        me.MapPost("/notifications/{id}/read", MarkRead).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Marks one notification read").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/notifications/read", MarkAllRead).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Marks all the user's notifications read").Produces(StatusCodes.Status204NoContent);
        me.MapGet("/notification-preferences", Preferences).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The e-mail language and, per category, in-app and e-mail on or off (default: both on)").Produces<NotificationPreferences>();
        me.MapPut("/notification-preferences", SavePreferences).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Saves the language and the categories given").Produces<NotificationPreferences>().ProducesValidationProblem();
        me.MapGet("/saved-searches", SavedSearches).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The user's saved catalogue searches").Produces<IReadOnlyList<SavedSearch>>();
        me.MapPost("/saved-searches", SaveSearch).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Saves a catalogue search (query string as /api/v1/offerings takes it); new matching offerings are notified")
            .Produces<SavedSearch>(StatusCodes.Status201Created).ProducesValidationProblem();
        me.MapDelete("/saved-searches/{id}", DeleteSearch).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Deletes a saved search").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        // The catalogue is public, so is its export.
        api.MapGet("/offerings/export.csv", SearchCsv).AllowAnonymous()
            .WithName("ExportOfferingsCsv").WithSummary("All offerings matching the search (same parameters as /api/v1/offerings) as CSV")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem();
        return app;
    }

    public sealed record UnreadCountResponse(long Unread);

    private static string UserId(ClaimsPrincipal user) => user.SubjectOf() ?? throw new InvalidOperationException("authenticated principal without subject");

    private static async Task<IResult> List(bool? unread, int? limit, int? offset, ClaimsPrincipal user, NotificationStore store, CancellationToken ct)
    {
        var page = Page.Of(limit, offset, NotificationStore.MaxPageSize);
        return Results.Ok(await store.ListAsync(UserId(user), unread == true, page.Limit, page.Offset, CultureInfo.CurrentUICulture, ct));
    }

    private static async Task<IResult> UnreadCount(ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        Results.Ok(new UnreadCountResponse(await store.UnreadCountAsync(UserId(user), ct)));

    private static async Task<IResult> MarkRead(string id, ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        await store.MarkReadAsync(UserId(user), id, ct) ? Results.NoContent() : Results.NotFound();

    private static async Task<IResult> MarkAllRead(ClaimsPrincipal user, NotificationStore store, CancellationToken ct)
    {
        await store.MarkAllReadAsync(UserId(user), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> Preferences(ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        Results.Ok(await store.PreferencesAsync(UserId(user), ct));

    private static async Task<IResult> SavePreferences(PreferencesRequest? request, ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        Results.Ok(await store.SavePreferencesAsync(UserId(user), request?.Language, request?.Categories ?? [], ct));

    private static async Task<IResult> SavedSearches(ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct) =>
        Results.Ok(await searches.ListAsync(UserId(user), ct));

    private static async Task<IResult> SaveSearch(SavedSearchRequest? request, ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct)
    {
        var saved = await searches.SaveAsync(UserId(user), request?.Name, request?.Query, ct);
        return Results.Created($"/api/v1/me/saved-searches/{saved.Id}", saved);
    }

    private static async Task<IResult> DeleteSearch(string id, ClaimsPrincipal user, SavedSearchService searches, CancellationToken ct) =>
        await searches.DeleteAsync(UserId(user), id, ct) ? Results.NoContent() : Results.NotFound();

    private static IResult SearchCsv(HttpRequest request, ExportService exports) =>
        Results.File(exports.Search(request.QueryString.Value), CsvExport.ContentType, "angebote.csv");
}
