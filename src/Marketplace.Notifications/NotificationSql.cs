using Marketplace.Storage;

namespace Marketplace.Notifications;

/// <summary>Every SQL statement of the notifications module.</summary>
internal static class NotificationSql
{
    // The notifier's cursor. Moving updated_at first takes the row lock, so passes of several workers run one after another.
    public const string ClaimState = "UPDATE notifier_state SET updated_at = @now WHERE id = 1";
    public const string ReadState = "SELECT audit_seq AS AuditSeq, catalog_revision AS CatalogRevision FROM notifier_state WHERE id = 1";
    public const string AdvanceAudit = "UPDATE notifier_state SET audit_seq = @seq WHERE id = 1";
    public const string AdvanceCatalog = "UPDATE notifier_state SET catalog_revision = @revision WHERE id = 1";

    public static string AuditAfter(ISqlDialect dialect) => $"""
        SELECT seq AS Seq, occurred_at AS OccurredAt, actor_user_id AS ActorUserId, actor_org_id AS ActorOrganisationId, action AS Action,
            object_type AS ObjectType, object_id AS ObjectId, before_json AS BeforeJson, after_json AS AfterJson, prev_hash AS PrevHash, hash AS Hash
        FROM audit_log WHERE seq > @after ORDER BY seq {dialect.Page("limit", "offset")}
        """;

    // Who hears of a municipality's events: the users of its organisation, with their role (Identity's tables).
    public const string MunicipalityUsers = """
        SELECT u."Id" AS UserId, u."Email" AS Email, r."Name" AS Role
        FROM "AspNetUsers" u
        JOIN organisations o ON o.id = u."OrganisationId"
        LEFT JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id"
        LEFT JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
        WHERE o.kind = 'municipality' AND o.municipality_ags = @ags
        ORDER BY u."Id"
        """;
    public const string UserEmail = """SELECT "Email" FROM "AspNetUsers" WHERE "Id" = @userId""";

    public const string OrderMunicipality = "SELECT municipality_ags FROM orders WHERE id = @id";
    public const string SubscriptionFacts = """
        SELECT s.municipality_ags AS MunicipalityAgs, s.offering_id AS OfferingId, COALESCE(o.name, s.offering_id) AS OfferingName
        FROM subscriptions s LEFT JOIN offerings o ON o.id = s.offering_id WHERE s.id = @id
        """;
    /// <summary>The platform's auditors, who hear of SLA breaches of every offering.</summary>
    public const string Auditors = """
        SELECT DISTINCT u."Id" FROM "AspNetUsers" u
        JOIN organisations o ON o.id = u."OrganisationId"
        JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id"
        JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
        WHERE o.kind = 'platform' AND r."Name" = 'auditor'
        ORDER BY u."Id"
        """;
    public const string SubscribedMunicipalities = "SELECT DISTINCT municipality_ags FROM subscriptions WHERE offering_id = @id AND state <> 'cancelled' ORDER BY municipality_ags";
    public const string OfferingName = "SELECT name FROM offerings WHERE id = @id";
    public const string VersionDocument = "SELECT document_json FROM offering_versions WHERE offering_id = @id AND version = @version";
    public const string SubscriptionsInLand = """
        SELECT s.id AS Id, s.municipality_ags AS Ags FROM subscriptions s JOIN municipalities m ON m.ags = s.municipality_ags
        WHERE s.offering_id = @offeringId AND m.land_code = @landCode AND s.state <> 'cancelled' ORDER BY s.municipality_ags, s.id
        """;
    public const string InvoiceFacts = """
        SELECT municipality_ags AS MunicipalityAgs, number AS Number, period AS Period, gross_cents AS GrossCents, due_date AS DueDate
        FROM invoices WHERE id = @id
        """;

    // Preferences and language of many users at once (rows absent: defaults).
    public const string PreferencesOf = """
        SELECT user_id AS UserId, category AS Category, in_app AS InApp, email AS Email FROM notification_preferences WHERE user_id = @userId
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
        id AS Id, user_id AS UserId, category AS Category, kind AS Kind, municipality_ags AS MunicipalityAgs, object_type AS ObjectType,
        object_id AS ObjectId, params_json AS ParamsJson, source_key AS SourceKey, created_at AS CreatedAt, read_at AS ReadAt
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
        SELECT id AS Id, user_id AS UserId, email AS Email, language AS Language, kind AS Kind, municipality_ags AS MunicipalityAgs,
            object_type AS ObjectType, object_id AS ObjectId, params_json AS ParamsJson, source_key AS SourceKey, created_at AS CreatedAt
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
    private const string SavedColumns = "id AS Id, user_id AS UserId, name AS Name, query AS Query, created_at AS CreatedAt";
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
