using Marketplace.Storage;

namespace Marketplace.Community;

/// <summary>Every statement of the community module; portable SQL, dialect differences only through <see cref="ISqlDialect"/>.</summary>
internal static class CommunitySql
{
    // A municipality may rate when a subscription of it to the offering is or was live: its timeline reached "active"
    // (so a cancelled or suspended one counts, a request that failed or was rejected before activation does not).
    // The state test covers subscriptions whose timeline predates the provisioning module.
    public const string HadSubscription = """
        SELECT COUNT(*) FROM subscriptions s
        WHERE s.municipality_ags = @ags AND s.offering_id = @offering
          AND (s.state IN ('active', 'updating', 'suspended', 'deprovisioning')
               OR EXISTS (SELECT 1 FROM subscription_events e WHERE e.subscription_id = s.id AND e.to_state = 'active'))
        """;

    public static string UpsertRating(ISqlDialect d) =>
        d.Upsert("offering_ratings", ["offering_id", "municipality_ags"], ["stars", "comment", "rated_by", "rated_at"]);

    private const string RatingColumns = """
        r.offering_id AS OfferingId, r.municipality_ags AS Ags, r.stars AS Stars, r.comment AS Comment, r.rated_at AS RatedAt
        """;

    public const string Rating = $"""
        SELECT {RatingColumns} FROM offering_ratings r WHERE r.offering_id = @offering AND r.municipality_ags = @ags
        """;

    public static string Ratings(ISqlDialect d) => $"""
        SELECT {RatingColumns} FROM offering_ratings r
        WHERE r.offering_id = @offering
        ORDER BY r.rated_at DESC, r.municipality_ags {d.Page("limit", "offset")}
        """;

    // Multiplied by 1.0 so that no engine averages in integers.
    public const string RatingSummary = """
        SELECT AVG(stars * 1.0) AS Average, COUNT(*) AS Count FROM offering_ratings WHERE offering_id = @offering
        """;

    public const string RatingSummaries = """
        SELECT offering_id AS OfferingId, AVG(stars * 1.0) AS Average, COUNT(*) AS Count FROM offering_ratings GROUP BY offering_id
        """;

    public const string InsertRequest = """
        INSERT INTO feature_requests (id, offering_id, vendor_id, municipality_ags, title, body, status, answer, answered_by, answered_at, created_by, created_at)
        VALUES (@id, @offering, @vendor, @ags, @title, @body, @status, NULL, NULL, NULL, @actor, @now)
        """;

    // An upsert, so two supporters of one municipality at once leave one row instead of failing on the key.
    public static string Support(ISqlDialect d) =>
        d.Upsert("feature_request_supports", ["request_id", "municipality_ags"], ["supported_by", "supported_at"]);

    public const string HasSupport = "SELECT COUNT(*) FROM feature_request_supports WHERE request_id = @id AND municipality_ags = @ags";

    public const string DeleteSupport = "DELETE FROM feature_request_supports WHERE request_id = @id AND municipality_ags = @ags";

    public const string Answer = """
        UPDATE feature_requests SET status = @status, answer = @answer, answered_by = @actor, answered_at = @now WHERE id = @id
        """;

    private const string RequestColumns = """
        f.id AS Id, f.offering_id AS OfferingId, f.vendor_id AS VendorId, f.municipality_ags AS Ags,
        f.title AS Title, f.body AS Body, f.status AS Status, f.answer AS Answer, f.answered_at AS AnsweredAt, f.created_at AS CreatedAt,
        (SELECT COUNT(*) FROM feature_request_supports s WHERE s.request_id = f.id) AS Supporters
        """;

    public const string Request = $"""
        SELECT {RequestColumns} FROM feature_requests f WHERE f.id = @id
        """;

    // Most supported first: what many municipalities want leads the list.
    public static string RequestsOfOffering(ISqlDialect d) => $"""
        SELECT {RequestColumns} FROM feature_requests f
        WHERE f.offering_id = @offering
        ORDER BY Supporters DESC, f.created_at DESC, f.id {d.Page("limit", "offset")}
        """;

    // Open requests first for the vendor, then newest.
    public static string RequestsOfVendor(ISqlDialect d) => $"""
        SELECT {RequestColumns} FROM feature_requests f
        WHERE f.vendor_id = @vendor
        ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.created_at DESC, f.id {d.Page("limit", "offset")}
        """;

    public static string SupportedBy(ISqlDialect d) => $"""
        SELECT s.request_id FROM feature_request_supports s JOIN feature_requests f ON f.id = s.request_id
        WHERE f.offering_id = @offering AND s.municipality_ags {d.InList("ags")}
        """;

    // Offerings Y held by municipalities that also hold one of the offerings X, counted per distinct municipality; only
    // those with at least @minimum municipalities behind them, so that no one municipality's orders can be read off.
    // Failed and cancelled subscriptions do not count: they are not what a municipality now uses.
    public static string CoOrdered(ISqlDialect d) => $"""
        SELECT y.offering_id AS OfferingId, COUNT(DISTINCT y.municipality_ags) AS Municipalities
        FROM subscriptions x JOIN subscriptions y ON y.municipality_ags = x.municipality_ags
        WHERE x.offering_id {d.InList("offerings")} AND NOT (y.offering_id {d.InList("offerings")})
          AND x.state NOT IN ('failed', 'cancelled') AND y.state NOT IN ('failed', 'cancelled')
        GROUP BY y.offering_id
        HAVING COUNT(DISTINCT y.municipality_ags) >= @minimum
        ORDER BY Municipalities DESC, y.offering_id {d.Page("limit", "offset")}
        """;

    public const string OfferingsOfOrder = """
        SELECT DISTINCT s.offering_id FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE p.order_id = @order
        """;

    // Per subscription of the offering: when it was first requested, when it first became active, whether it ever failed.
    // Newest subscriptions first and at most @limit of them: the facts describe the vendor's recent work and stay cheap.
    public static string ProvisioningOutcomes(ISqlDialect d) => $"""
        SELECT s.id AS SubscriptionId,
               MIN(CASE WHEN e.to_state = 'requested' THEN e.occurred_at END) AS RequestedAt,
               MIN(CASE WHEN e.to_state = 'active' THEN e.occurred_at END) AS ActivatedAt,
               MAX(CASE WHEN e.to_state = 'failed' THEN 1 ELSE 0 END) AS Failed
        FROM subscriptions s JOIN subscription_events e ON e.subscription_id = s.id
        WHERE s.offering_id = @offering
        GROUP BY s.id, s.created_at
        ORDER BY s.created_at DESC, s.id {d.Page("limit", "offset")}
        """;
}
