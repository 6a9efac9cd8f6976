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
        INSERT INTO plan_extras (offering_id, plan_id, extra_id, kind, name, name_en, billing_interval, price_cents, unit, included_per_month)
        VALUES (@offering_id, @plan_id, @extra_id, @kind, @name, @name_en, @billing_interval, @price_cents, @unit, @included_per_month)
        """;

    public const string InsertTier = """
        INSERT INTO plan_extra_tiers (offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents)
        VALUES (@offering_id, @plan_id, @extra_id, @tier_no, @up_to, @unit_price_cents)
        """;

    /// <summary>Everything the search index and the pages need about every offering, one row each.</summary>
    public const string AllOfferings = """
        SELECT o.id AS Id, o.vendor_id AS VendorId, v.name AS VendorName, o.document_json AS DocumentJson
        FROM offerings o JOIN vendors v ON v.id = o.vendor_id
        ORDER BY o.id
        """;

    public const string OfferingById = """
        SELECT o.id AS Id, o.vendor_id AS VendorId, v.name AS VendorName, o.document_json AS DocumentJson
        FROM offerings o JOIN vendors v ON v.id = o.vendor_id
        WHERE o.id = @id
        """;
}
