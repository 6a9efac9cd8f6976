namespace Marketplace.Notifications;

/// <summary>What a notification is about; a user chooses per category whether to get it in the app and by e-mail.</summary>
public static class NotificationCategories
{
    public const string OrderStatus = "order-status";
    public const string Conformance = "conformance";
    public const string Invoices = "invoices";
    public const string RequestAnswers = "request-answers";
    public const string SavedSearches = "saved-searches";

    public static readonly IReadOnlyList<string> All = [OrderStatus, Conformance, Invoices, RequestAnswers, SavedSearches];
}

/// <summary>The languages e-mails are written in; German unless the user chose otherwise.</summary>
public static class NotificationLanguages
{
    public const string German = "de";
    public const string English = "en";
    public static readonly IReadOnlyList<string> All = [German, English];
}

/// <summary>A notification as stored: what happened (kind and its parameters), for whom, and whether it was read.</summary>
public sealed record NotificationRow(
    string Id, string UserId, string Category, string Kind, string? MunicipalityAgs, string ObjectType, string ObjectId,
    string ParamsJson, string SourceKey, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>A notification as the user sees it: rendered in their language, with a link to what it is about.</summary>
public sealed record NotificationView(
    string Id, string Category, string Kind, string ObjectType, string ObjectId, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt,
    bool Unread);

/// <summary>Whether a category reaches the user in the app and by e-mail.</summary>
public sealed record CategoryPreference(string Category, bool InApp, bool Email);

/// <summary>A user's notification settings: the e-mail language and a choice per category (all categories, defaults filled in).</summary>
public sealed record NotificationPreferences(string Language, IReadOnlyList<CategoryPreference> Categories)
{
    public CategoryPreference For(string category) => Categories.FirstOrDefault(c => c.Category == category) ?? new CategoryPreference(category, true, true);
}

/// <summary>A catalogue search a user saved: its name and query string (q and facets, as /angebote takes them).</summary>
public sealed record SavedSearch(string Id, string UserId, string Name, string Query, DateTimeOffset CreatedAt);

