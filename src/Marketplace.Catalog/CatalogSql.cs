using Marketplace.Storage;

namespace Marketplace.Catalog;

/// <summary>The catalogue's SQL that is more than a one-liner, in one place for review. Portable across the three engines.</summary>
internal static class CatalogSql
{
    public const string BumpRevision = "UPDATE catalog_state SET revision = revision + 1 WHERE id = 1";

    public const string Revision = "SELECT revision FROM catalog_state WHERE id = 1";

    public const string OfferingNames = "SELECT id, name FROM offerings";

    // What other modules read of a published offering or bundle (OfferingRecords).
    public const string OfferingHead = "SELECT vendor_id, content_hash FROM offerings WHERE id = @offeringId";
    public const string OfferingDocument = "SELECT document_json FROM offerings WHERE id = @offeringId";
    public const string OfferingName = "SELECT name FROM offerings WHERE id = @offeringId";
    public const string OfferingLandCodes = "SELECT land_code FROM offering_laender WHERE offering_id = @offeringId";
    public static string LeistungenOfOfferings(ISqlDialect d) => $"SELECT offering_id, ozg_id FROM offering_leistungen WHERE offering_id {d.InList("offeringIds")}";
    public const string BundleLeistungen = "SELECT ozg_id FROM bundle_leistungen WHERE bundle_id = @bundleId ORDER BY position";

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
        SELECT standard_id, standard_version, status, required, checked_at
        FROM offering_conformance WHERE offering_id = @id
        """;

    /// <summary>
    /// Everything the search index and the pages need about every offering the catalogue shows, one row each.
    /// Retired offerings stay in the table (subscriptions refer to them) but leave the catalogue. An offering
    /// without a publication row was imported without the conformance module: version 1, active.
    /// </summary>
    public const string AllOfferings = """
        SELECT o.id, o.vendor_id, v.name AS VendorName, o.document_json,
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
        SELECT offering_id, standard_id, standard_version, status,
               required, checked_at
        FROM offering_conformance ORDER BY offering_id, standard_id
        """;

    public const string OfferingById = """
        SELECT o.id, o.vendor_id, v.name AS VendorName, o.document_json
        FROM offerings o JOIN vendors v ON v.id = o.vendor_id
        WHERE o.id = @id
        """;

    /// <summary>What a vendor's logo is drawn from: the descriptor (its logo, if any) and the short name for the monogram.</summary>
    public const string VendorLogo = """
        SELECT short_name, document_json, content_hash FROM vendors WHERE id = @id
        """;

    // The catalogue's read model, loaded in one transaction.
    public const string AllLeistungLebenslagen = "SELECT ozg_id, lebenslage_id FROM leistung_lebenslagen ORDER BY ozg_id, lebenslage_id";
    public const string AllLeikaKeys = "SELECT leika_key, ozg_id FROM leistung_leika_keys ORDER BY leika_key";
    public const string AllLeistungen = "SELECT ozg_id, name, name_en, themenfeld_id, description FROM leistungen";
    public const string AllThemenfelder = "SELECT id, name, name_en FROM themenfelder";
    public const string AllLebenslagen = "SELECT id, name, name_en, themenfeld_id FROM lebenslagen";
    public const string Vendor = "SELECT name, vat_id FROM vendors WHERE id = @id";
    public const string AllVendorNames = "SELECT id, name, name AS NameEn FROM vendors";
    public const string AllStandardNames = "SELECT id, name, name_en FROM standards";
    public const string AllLaender = "SELECT code, abbreviation, name, name_en FROM laender ORDER BY code";
    public const string AllBundleLeistungen = "SELECT bundle_id, ozg_id FROM bundle_leistungen ORDER BY bundle_id, position";
    public const string AllBundles = "SELECT id, name, name_en, lebenslage_id, description FROM bundles ORDER BY id";

    // The import of Leistungen, standards and bundles.
    public static string ContentHashes(string table, string keyColumn) => $"SELECT {keyColumn}, content_hash FROM {table}";
    public const string DeleteLeistungLebenslagen = "DELETE FROM leistung_lebenslagen WHERE ozg_id = @id";
    public const string DeleteLeikaKeys = "DELETE FROM leistung_leika_keys WHERE ozg_id = @id";
    public const string InsertLeistungLebenslage = "INSERT INTO leistung_lebenslagen (ozg_id, lebenslage_id) VALUES (@ozg_id, @lebenslage_id)";
    public const string InsertLeikaKey = "INSERT INTO leistung_leika_keys (leika_key, ozg_id) VALUES (@leika_key, @ozg_id)";
    public const string DeleteCriteria = "DELETE FROM standard_criteria WHERE standard_id = @id AND version = @version";
    public const string DeleteBundleLeistungen = "DELETE FROM bundle_leistungen WHERE bundle_id = @id";
    public const string InsertBundleLeistung = "INSERT INTO bundle_leistungen (bundle_id, ozg_id, position) VALUES (@bundle_id, @ozg_id, @position)";

    // The projection of a published offering version.
    public static string DeleteOfferingRows(string table) => $"DELETE FROM {table} WHERE offering_id = @id";
    public const string InsertOfferingLeistung = "INSERT INTO offering_leistungen (offering_id, ozg_id) VALUES (@offering_id, @ozg_id)";
    public const string LandCodesByAbbreviation = "SELECT abbreviation, code FROM laender";
    public const string InsertOfferingLand = "INSERT INTO offering_laender (offering_id, land_code) VALUES (@offering_id, @land_code)";
    public const string InsertOfferingStandard = "INSERT INTO offering_standards (offering_id, standard_id, version) VALUES (@offering_id, @standard_id, @version)";
    public const string DeleteOfferingConformance = "DELETE FROM offering_conformance WHERE offering_id = @id";

    // The municipality directory and its import.
    public const string AllMunicipalities = """
        SELECT ags, ars, name, land_code, kreis_key,
               population, postal_code
        FROM municipalities
        """;

    public const string MunicipalityCount = "SELECT COUNT(*) FROM municipalities";
    private const string MunicipalityWithLand = """
        SELECT m.ags, m.name, m.land_code, l.abbreviation AS LandAbbreviation, l.name AS LandName, m.population
        FROM municipalities m JOIN laender l ON l.code = m.land_code
        """;
    public const string Municipality = MunicipalityWithLand + " WHERE m.ags = @ags";
    public static string Municipalities(ISqlDialect d) => $"{MunicipalityWithLand} WHERE m.ags {d.InList("agsList")}";
    public const string InhabitedMunicipalitiesOfLand = MunicipalityWithLand + " WHERE m.land_code = @landCode AND m.population > 0 ORDER BY m.ags";
    public const string LandCount = "SELECT COUNT(*) FROM laender WHERE code = @landCode";
    public const string LandCodes = "SELECT code FROM laender";
    public const string AllRegionalUnits = "SELECT regional_key, satzart, name FROM regional_units";

    // What an offering descriptor may refer to (OfferingReferences).
    public const string VendorIds = "SELECT id FROM vendors";
    public const string LeistungIds = "SELECT ozg_id FROM leistungen";
    public const string LandAbbreviations = "SELECT abbreviation FROM laender";
    public const string StandardVersionKeys = "SELECT standard_id, version FROM standard_versions";

    // The Fachverfahren reference data.
    public const string BackOfficeInterfaces = "SELECT document_json FROM backoffice_interfaces";
    public const string FachverfahrenAreas = "SELECT document_json FROM fachverfahren_areas";

    // What the conformance module reads and adds of the standards registry (StandardRecords).
    public const string StandardRows = "SELECT id, name, name_en, publisher, url, category, description FROM standards ORDER BY id";
    public const string StandardVersionRows = "SELECT standard_id, version, published_on, grace_period_days FROM standard_versions";
    public const string StandardCriterionRows = """
        SELECT standard_id, version, criterion_id, title, description, kind, definition_json
        FROM standard_criteria ORDER BY standard_id, version, position
        """;
    public const string StandardVersionExists = "SELECT COUNT(*) FROM standard_versions WHERE standard_id = @id AND version = @version";
    public const string InsertStandardVersion = """
        INSERT INTO standard_versions (standard_id, version, published_on, grace_period_days)
        VALUES (@standard_id, @version, @published_on, @grace_period_days)
        """;
    public const string ThemenfeldOfLeistungen = "SELECT ozg_id, themenfeld_id FROM leistungen";

    // Every plan's prices, as billing reads them (PlanRecords).
    public const string PlanRows = """
        SELECT offering_id, plan_id, funder, list_value_cents_per_month FROM plans
        """;
    public const string PlanExtraRows = """
        SELECT offering_id, plan_id, extra_id, kind, name, billing_interval, price_cents, unit, included_per_month,
               vat_category, vat_rate_basis_points, vat_exemption_reason, vat_exemption_code, typical_milli_per_1000
        FROM plan_extras
        """;
    public const string PlanExtraTierRows = """
        SELECT offering_id, plan_id, extra_id, tier_no, up_to, unit_price_cents
        FROM plan_extra_tiers
        """;
    public static string OfferingNamesOf(ISqlDialect d) => $"SELECT id, name FROM offerings WHERE id {d.InList("offeringIds")}";
    public const string OfferingsOfVendor = "SELECT id, name FROM offerings WHERE vendor_id = @vendorId";
    public const string MeteredExtrasOfVendor = """
        SELECT e.offering_id, e.plan_id, e.extra_id FROM plan_extras e
        WHERE e.kind = 'metered' AND e.offering_id IN (SELECT o.id FROM offerings o WHERE o.vendor_id = @vendorId)
        """;
    /// <summary>The offerings, their plans and extras by (offering, plan, extra) id, '' standing for "none", German and English.</summary>
    public static string ItemNamesOf(ISqlDialect d) => $"""
        SELECT id AS OfferingId, '' AS PlanId, '' AS ExtraId, name, name_en FROM offerings WHERE id {d.InList("offeringIds")}
        UNION ALL
        SELECT offering_id, plan_id, '', name, name_en FROM plans WHERE offering_id {d.InList("offeringIds")}
        UNION ALL
        SELECT offering_id, plan_id, extra_id, name, name_en FROM plan_extras WHERE offering_id {d.InList("offeringIds")}
        """;
}
