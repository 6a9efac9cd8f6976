namespace Marketplace.Catalog;

/// <summary>The catalogue's SQL that is more than a one-liner, in one place for review. Portable across the three engines.</summary>
internal static class CatalogSql
{
    public const string BumpRevision = "UPDATE catalog_state SET revision = revision + 1 WHERE id = 1";

    public const string Revision = "SELECT revision FROM catalog_state WHERE id = 1";

    public const string InsertCriterion = """
        INSERT INTO standard_criteria (standard_id, version, criterion_id, position, title, description, kind, definition_json)
        VALUES (@standard_id, @version, @criterion_id, @position, @title, @description, @kind, @definition_json)
        """;

    public const string InsertPlan = """
        INSERT INTO plans (offering_id, plan_id, position, name, name_en, funder, list_value_cents_per_month)
        VALUES (@offering_id, @plan_id, @position, @name, @name_en, @funder, @list_value_cents_per_month)
        """;

    public const string InsertExtra = """
        INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month,
                                 vat_category, vat_rate_basis_points, vat_exemption_reason, vat_exemption_code, typical_milli_per_1000)
        VALUES (@offering_id, @plan_id, @extra_id, @kind, @name, @name_en, @billing_interval, @price_cents, @unit, @included_per_month,
                @vat_category, @vat_rate_basis_points, @vat_exemption_reason, @vat_exemption_code, @typical_milli_per_1000)
        """;

    public const string InsertTier = """
        INSERT INTO plan_extra_tiers (offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents)
        VALUES (@offering_id, @plan_id, @extra_id, @tier_no, @up_to, @unit_price_cents)
        """;

    public const string InsertConformance = """
        INSERT INTO offering_conformance (offering_id, standard_id, standard_version, status, required, checked_at)
        VALUES (@offering_id, @standard_id, @standard_version, @status, @required, @checked_at)
        """;

    public const string OfferingConformance = """
        SELECT standard_id AS StandardId, standard_version AS StandardVersion, status AS Status, required AS Required, checked_at AS CheckedAt
        FROM offering_conformance WHERE offering_id = @id
        """;

    /// <summary>
    /// Everything the search index and the pages need about every offering the catalogue shows, one row each.
    /// Retired offerings stay in the table (subscriptions refer to them) but leave the catalogue. An offering
    /// without a publication row was imported without the conformance module: version 1, active.
    /// </summary>
    public const string AllOfferings = """
        SELECT o.id AS Id, o.vendor_id AS VendorId, v.name AS VendorName, o.document_json AS DocumentJson,
               COALESCE(p.version, 1) AS Version, COALESCE(p.lifecycle, 'active') AS Lifecycle
        FROM offerings o JOIN vendors v ON v.id = o.vendor_id
        LEFT JOIN offering_publication p ON p.offering_id = o.id
        WHERE p.lifecycle IS NULL OR p.lifecycle <> 'retired'
        ORDER BY o.id
        """;

    /// <summary>One offering's published version and lifecycle, retired ones included; no publication row means version 1, active.</summary>
    public const string OfferingPublication = """
        SELECT COALESCE(p.version, 1) AS Version, COALESCE(p.lifecycle, 'active') AS Lifecycle
        FROM offerings o LEFT JOIN offering_publication p ON p.offering_id = o.id
        WHERE o.id = @id
        """;

    public const string AllConformance = """
        SELECT offering_id AS OfferingId, standard_id AS StandardId, standard_version AS StandardVersion, status AS Status,
               required AS Required, checked_at AS CheckedAt
        FROM offering_conformance ORDER BY offering_id, standard_id
        """;

    public const string OfferingById = """
        SELECT o.id AS Id, o.vendor_id AS VendorId, v.name AS VendorName, o.document_json AS DocumentJson
        FROM offerings o JOIN vendors v ON v.id = o.vendor_id
        WHERE o.id = @id
        """;

    /// <summary>What a vendor's logo is drawn from: the descriptor (its logo, if any) and the short name for the monogram.</summary>
    public const string VendorLogo = """
        SELECT short_name AS ShortName, document_json AS DocumentJson, content_hash AS ContentHash FROM vendors WHERE id = @id
        """;
}
