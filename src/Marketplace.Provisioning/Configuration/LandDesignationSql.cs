namespace Marketplace.Provisioning.Configuration;

/// <summary>The statements of the Länder's designated bundling organisations.</summary>
internal static class LandDesignationSql
{
    public const string Get = """
        SELECT land_code, organisation_id, designated_by, designated_at
        FROM land_designations WHERE land_code = @landCode
        """;
}
