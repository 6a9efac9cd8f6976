namespace Marketplace.Provisioning.Configuration;

/// <summary>The statements of the Länder's designated bundling organisations.</summary>
internal static class LandDesignationSql
{
    public const string Get = """
        SELECT land_code AS LandCode, organisation_id AS OrganisationId, designated_by AS DesignatedBy, designated_at AS DesignatedAt
        FROM land_designations WHERE land_code = @landCode
        """;
}
