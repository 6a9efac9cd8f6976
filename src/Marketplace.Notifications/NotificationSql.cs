using Marketplace.Storage;

namespace Marketplace.Notifications;

/// <summary>Every SQL statement of the notifications module.</summary>
internal static class NotificationSql
{
    // The notifier's cursor. Moving updated_at first takes the row lock, so passes of several workers run one after another.
    public const string ClaimState = "UPDATE notifier_state SET updated_at = @now WHERE id = 1";
    public const string ReadState = "SELECT audit_seq, catalog_revision FROM notifier_state WHERE id = 1";
    public const string AdvanceAudit = "UPDATE notifier_state SET audit_seq = @seq WHERE id = 1";
    public const string AdvanceCatalog = "UPDATE notifier_state SET catalog_revision = @revision WHERE id = 1";

    // Preferences and language of many users at once (rows absent: defaults).
    public const string PreferencesOf = """
        SELECT user_id, category, in_app, email FROM notification_preferences WHERE user_id = @userId
        """;
    public const string LanguageOf = "SELECT language FROM notification_settings WHERE user_id = @userId";

    public static string SavePreference(ISqlDialect dialect) =>
        dialect.Upsert("notification_preferences", ["user_id", "category"], ["in_app", "email", "updated_at"]);
    public static string SaveLanguage(ISqlDialect dialect) =>
        dialect.Upsert("notification_settings", ["user_id"], ["language", "updated_at"]);

    public const string InsertNotification = """
        INSERT INTO user_notifications (id, user_id, category, kind, municipality_ags, object_type, object_id, params_json, source_key, created_at, read_at)
        SELECT @Id, @UserId, @Category, @Kind, @MunicipalityAgs, @ObjectType, @ObjectId, @ParamsJson, @SourceKey, @CreatedAt, @ReadAt
        WHERE NOT EXISTS (SELECT 1 FROM user_notifications WHERE user_id = @UserId AND source_key = @SourceKey)
        """;
    public const string InsertOutbox = """
        INSERT INTO notification_outbox (id, user_id, email, language, kind, municipality_ags, object_type, object_id, params_json, source_key,
            created_at, claimed_until, attempts, last_error, sent_at)
        SELECT @Id, @UserId, @Email, @Language, @Kind, @MunicipalityAgs, @ObjectType, @ObjectId, @ParamsJson, @SourceKey, @CreatedAt, NULL, 0, NULL, NULL
        WHERE NOT EXISTS (SELECT 1 FROM notification_outbox WHERE user_id = @UserId AND source_key = @SourceKey)
        """;

    private const string Columns = """
        id, user_id, category, kind, municipality_ags, object_type,
        object_id, params_json, source_key, created_at, read_at
        """;
    public static string NotificationsOf(ISqlDialect dialect, bool unreadOnly) =>
        $"SELECT {Columns} FROM user_notifications WHERE user_id = @userId {(unreadOnly ? "AND read_at IS NULL" : "")} " +
        $"ORDER BY created_at DESC, id DESC {dialect.Page("limit", "offset")}";
    public const string NotificationById = $"SELECT {Columns} FROM user_notifications WHERE id = @id";
    public const string UnreadCount = "SELECT COUNT(*) FROM user_notifications WHERE user_id = @userId AND read_at IS NULL";
    public const string MarkRead = "UPDATE user_notifications SET read_at = @now WHERE id = @id AND user_id = @userId AND read_at IS NULL";
    public const string MarkAllRead = "UPDATE user_notifications SET read_at = @now WHERE user_id = @userId AND read_at IS NULL";

    // The e-mail outbox: claim one row for a while (no second sender takes it meanwhile), send, mark sent.
    public static string PendingMail(ISqlDialect dialect) => $"""
        SELECT id, user_id, email, language, kind, municipality_ags,
            object_type, object_id, params_json, source_key, created_at
        FROM notification_outbox
        WHERE sent_at IS NULL AND attempts < @maxAttempts AND (claimed_until IS NULL OR claimed_until < @now)
        ORDER BY created_at, id {dialect.Page("limit", "offset")}
        """;
    public const string PendingMailCount = "SELECT COUNT(*) FROM notification_outbox WHERE sent_at IS NULL";
    public const string ClaimMail = """
        UPDATE notification_outbox SET claimed_until = @until, attempts = attempts + 1
        WHERE id = @id AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < @now)
        """;
    public const string MailSent = "UPDATE notification_outbox SET sent_at = @now, last_error = NULL WHERE id = @id";
    public const string MailFailed = "UPDATE notification_outbox SET claimed_until = @retryAt, last_error = @error WHERE id = @id";

    // Saved searches and the offerings they have matched.
    private const string SavedColumns = "id, user_id, name, query, created_at";
    public const string SavedSearchesOf = $"SELECT {SavedColumns} FROM saved_searches WHERE user_id = @userId ORDER BY created_at, id";
    public const string AllSavedSearches = $"SELECT {SavedColumns} FROM saved_searches ORDER BY id";
    public const string InsertSavedSearch = "INSERT INTO saved_searches (id, user_id, name, query, created_at) VALUES (@Id, @UserId, @Name, @Query, @CreatedAt)";
    public const string DeleteSavedSearchMatches = "DELETE FROM saved_search_matches WHERE saved_search_id = @id";
    public const string DeleteSavedSearch = "DELETE FROM saved_searches WHERE id = @id AND user_id = @userId";
    public const string SavedSearchOwner = "SELECT user_id FROM saved_searches WHERE id = @id";
    public const string MatchesOf = "SELECT offering_id FROM saved_search_matches WHERE saved_search_id = @id";
    public const string InsertMatch = "INSERT INTO saved_search_matches (saved_search_id, offering_id, matched_at) VALUES (@id, @offeringId, @now)";

    // Tests and operators: how far the notifier got.
    public const string CursorPosition = "SELECT audit_seq FROM notifier_state WHERE id = 1";
}
