namespace Marketplace.Provisioning.BackOffice;

/// <summary>The statements of the municipalities' recorded Fachverfahren.</summary>
internal static class FachverfahrenSql
{
    public const string Of = """
        SELECT area_id, product_id, product_version, updated_at, updated_by
        FROM municipality_fachverfahren WHERE municipality_ags = @ags ORDER BY area_id
        """;

    public const string DeleteAll = "DELETE FROM municipality_fachverfahren WHERE municipality_ags = @ags";

    public const string Insert = """
        INSERT INTO municipality_fachverfahren (municipality_ags, area_id, product_id, product_version, updated_at, updated_by)
        VALUES (@ags, @area, @product, @version, @at, @by)
        """;

}
