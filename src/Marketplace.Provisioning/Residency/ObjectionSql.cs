namespace Marketplace.Provisioning.Residency;

/// <summary>The statements of sub-processor objections.</summary>
internal static class ObjectionSql
{
    private const string Columns = """
        id, offering_id, version, municipality_ags,
        subscription_id, reason, effective_at, objected_by, objected_at
        """;

    public const string Existing = "SELECT id FROM subprocessor_objections WHERE offering_id = @offeringId AND version = @version AND municipality_ags = @ags";

    public const string Insert = """
        INSERT INTO subprocessor_objections (id, offering_id, version, municipality_ags, subscription_id, reason, effective_at, objected_by, objected_at)
        VALUES (@Id, @OfferingId, @Version, @MunicipalityAgs, @SubscriptionId, @Reason, @EffectiveAt, @ObjectedBy, @ObjectedAt)
        """;

    public const string OwnById = $"""
        SELECT {Columns} FROM subprocessor_objections WHERE id = @id AND municipality_ags = @ags
        """;

    public const string Delete = "DELETE FROM subprocessor_objections WHERE id = @id AND municipality_ags = @ags";

    public const string OfferingOfSubscription = "SELECT offering_id FROM subscriptions WHERE id = @id AND municipality_ags = @ags";

    public const string OfMunicipality = $"""
        SELECT {Columns} FROM subprocessor_objections WHERE municipality_ags = @ags AND offering_id = @offeringId ORDER BY version DESC
        """;

    public const string OfOffering = $"""
        SELECT {Columns} FROM subprocessor_objections WHERE offering_id = @offeringId ORDER BY version DESC, objected_at
        """;
}
