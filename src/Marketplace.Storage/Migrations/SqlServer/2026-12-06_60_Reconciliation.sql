-- What the platform found when it compared a live subscription with its vendor's broker (GET of the instance, where the
-- broker declares instances_retrievable): one row per mismatch kind (missing, plan, parameters) while it lasts.
-- platform_value and broker_value hold plan ids or parameter names, never parameter values (they may be secrets).
CREATE TABLE reconciliation_findings (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    vendor_id nvarchar(100) NOT NULL,
    municipality_ags nvarchar(100) NOT NULL,
    offering_id nvarchar(100) NOT NULL,
    kind nvarchar(100) NOT NULL,
    platform_value nvarchar(max) NULL,
    broker_value nvarchar(max) NULL,
    detail nvarchar(max) NULL,
    source nvarchar(100) NOT NULL,
    found_at nvarchar(100) NOT NULL,
    last_seen_at nvarchar(100) NOT NULL,
    resolved_at nvarchar(100) NULL
);
CREATE INDEX ix_reconciliation_findings_subscription ON reconciliation_findings (subscription_id, kind);
CREATE INDEX ix_reconciliation_findings_vendor ON reconciliation_findings (vendor_id, found_at);
-- One row per day the reconciliation ran; the primary key lets exactly one instance run it each day.
CREATE TABLE reconciliation_runs (
    run_on nvarchar(100) NOT NULL PRIMARY KEY,
    started_at nvarchar(100) NOT NULL,
    finished_at nvarchar(100) NULL,
    summary nvarchar(max) NULL
);
