using Marketplace.Storage;

namespace Marketplace.Community;

/// <summary>Every statement of the community module; portable SQL, dialect differences only through <see cref="ISqlDialect"/>.</summary>
internal static class CommunitySql
{
    public static string UpsertRating(ISqlDialect d) =>
        d.Upsert("offering_ratings", ["offering_id", "municipality_ags"], ["stars", "comment", "rated_by", "rated_at"]);

    private const string RatingColumns = """
        r.offering_id, r.municipality_ags AS Ags, r.stars, r.comment, r.rated_at
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
        SELECT offering_id, AVG(stars * 1.0) AS Average, COUNT(*) AS Count FROM offering_ratings GROUP BY offering_id
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
        f.id, f.offering_id, f.vendor_id, f.municipality_ags AS Ags,
        f.title, f.body, f.status, f.answer, f.answered_at, f.created_at,
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
}
