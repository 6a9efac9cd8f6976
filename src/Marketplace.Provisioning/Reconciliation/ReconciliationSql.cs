using Marketplace.Storage;

namespace Marketplace.Provisioning.Reconciliation;

/// <summary>The statements of reconciliation: findings and the daily run's claim.</summary>
internal static class ReconciliationSql
{
    private const string FindingColumns = """
        id, subscription_id, vendor_id, municipality_ags, offering_id,
        kind, platform_value, broker_value, detail, source,
        found_at, last_seen_at, resolved_at
        """;

    public const string OpenFindingsOf = $"SELECT {FindingColumns} FROM reconciliation_findings WHERE subscription_id = @subscriptionId AND resolved_at IS NULL";
    public const string FindingsOfSubscription = $"SELECT {FindingColumns} FROM reconciliation_findings WHERE subscription_id = @subscriptionId ORDER BY found_at DESC, id";

    public static string Findings(ISqlDialect d, bool byVendor) => $"""
        SELECT {FindingColumns} FROM reconciliation_findings
        WHERE (@openOnly = 0 OR resolved_at IS NULL){(byVendor ? " AND vendor_id = @vendorId" : "")}
        ORDER BY found_at DESC, id {d.Page("limit", "offset")}
        """;

    public const string InsertFinding = """
        INSERT INTO reconciliation_findings (id, subscription_id, vendor_id, municipality_ags, offering_id, kind, platform_value, broker_value, detail,
            source, found_at, last_seen_at, resolved_at)
        VALUES (@id, @subscriptionId, @vendorId, @ags, @offeringId, @kind, @platformValue, @brokerValue, @detail, @source, @now, @now, NULL)
        """;
    public const string SeenAgain = """
        UPDATE reconciliation_findings SET last_seen_at = @now, platform_value = @platformValue, broker_value = @brokerValue, detail = @detail
        WHERE id = @id
        """;
    public const string Resolve = "UPDATE reconciliation_findings SET resolved_at = @now, last_seen_at = @now WHERE id = @id AND resolved_at IS NULL";

    /// <summary>Live broker subscriptions with no operation under way (an instance being changed is compared next time).</summary>
    public const string Comparable = """
        SELECT s.id FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE s.state IN ('active', 'suspended') AND p.fulfilment = 'osb'
          AND NOT EXISTS (SELECT 1 FROM provisioning_jobs j WHERE j.subscription_id = s.id AND j.state IN ('queued', 'running', 'polling'))
        ORDER BY s.vendor_id, s.id
        """;

    public const string DayTaken = "SELECT COUNT(*) FROM reconciliation_runs WHERE run_on = @runOn";
    public const string ClaimDay = "INSERT INTO reconciliation_runs (run_on, started_at, finished_at, summary) VALUES (@runOn, @now, NULL, NULL)";
    public const string FinishDay = "UPDATE reconciliation_runs SET finished_at = @now, summary = @summary WHERE run_on = @runOn";
}
