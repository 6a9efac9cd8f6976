namespace Marketplace.Infra.Tests;

/// <summary>
/// Which module owns each table: the only module whose SQL names it. Others read through the owner's published
/// interfaces and write through its services. Decided from the migrations and from who writes the rows; where a
/// migration file created tables for another module (07_Conformance created the catalogue's projection tables), the
/// writer owns them.
/// </summary>
public static class TableOwners
{
    public static readonly IReadOnlyDictionary<string, string[]> ByModule = new Dictionary<string, string[]>
    {
        ["Audit"] = ["audit_head", "audit_log"],
        ["Billing"] =
        [
            "billing_accounts", "billing_periods", "billing_runs", "credit_note_lines", "credit_notes", "document_series",
            "invoice_lines", "invoices", "stripe_events", "stripe_tax_rates", "usage_events",
        ],
        ["Catalog"] =
        [
            "backoffice_interfaces", "bundle_leistungen", "bundles", "catalog_state", "fachverfahren_areas", "laender",
            "lebenslagen", "leistung_lebenslagen", "leistung_leika_keys", "leistungen", "municipalities",
            "offering_conformance", "offering_laender", "offering_leistungen", "offering_publication", "offering_standards",
            "offerings", "plan_extra_tiers", "plan_extras", "plans", "regional_units", "standard_criteria",
            "standard_versions", "standards", "themenfelder", "vendors",
        ],
        ["Community"] =
        [
            "availability_breaches", "availability_days", "availability_evaluations", "availability_probes",
            "availability_rounds", "feature_request_supports", "feature_requests", "offering_ratings",
        ],
        ["Conformance"] =
        [
            "conformance_availability_policy", "conformance_checks", "conformance_evidence", "conformance_evidence_files",
            "conformance_job_runs", "conformance_status", "offering_heads", "offering_versions", "required_standards",
        ],
        ["Identity"] =
        [
            "AspNetRoleClaims", "AspNetRoles", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserRoles", "AspNetUserTokens",
            "AspNetUsers", "OpenIddictApplications", "OpenIddictAuthorizations", "OpenIddictScopes", "OpenIddictTokens",
            "api_clients", "delegations", "invitations", "organisation_contacts", "organisations", "server_keys",
        ],
        ["Notifications"] =
        [
            "notification_outbox", "notification_preferences", "notification_settings", "notifier_state",
            "saved_search_matches", "saved_searches", "user_notifications",
        ],
        ["Provisioning"] =
        [
            "basket_items", "broker_connections", "bundler_data_policy_recommendations", "land_config_defaults",
            "land_designations", "municipality_data_policies", "municipality_fachverfahren", "municipality_order_settings",
            "orders", "provisioning_job_attempts", "provisioning_jobs", "reconciliation_findings", "reconciliation_runs",
            "rollout_skips", "rollouts", "subprocessor_objections", "subscription_billing_periods", "subscription_bindings",
            "subscription_events", "subscription_provisioning", "subscription_setup_fees", "subscriptions", "vendor_brokers",
        ],
        // The Data Protection key ring is storage infrastructure, used by every module through ASP.NET Core.
        ["Storage"] = ["data_protection_keys"],
    };

    public static string? OwnerOf(string table) =>
        ByModule.FirstOrDefault(m => m.Value.Contains(table, StringComparer.OrdinalIgnoreCase)).Key;
}
