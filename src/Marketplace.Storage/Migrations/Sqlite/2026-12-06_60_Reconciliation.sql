-- What the platform found when it compared a live subscription with its vendor's broker (GET of the instance, where the
-- broker declares instances_retrievable): one row per mismatch kind (missing, plan, parameters) while it lasts.
-- platform_value and broker_value hold plan ids or parameter names, never parameter values (they may be secrets).
CREATE TABLE reconciliation_findings (
    id TEXT NOT NULL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    vendor_id TEXT NOT NULL,
    municipality_ags TEXT NOT NULL,
    offering_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    platform_value TEXT NULL,
    broker_value TEXT NULL,
    detail TEXT NULL,
    source TEXT NOT NULL,
    found_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    resolved_at TEXT NULL
);
CREATE INDEX ix_reconciliation_findings_subscription ON reconciliation_findings (subscription_id, kind);
CREATE INDEX ix_reconciliation_findings_vendor ON reconciliation_findings (vendor_id, found_at);
-- One row per day the reconciliation ran; the primary key lets exactly one instance run it each day.
CREATE TABLE reconciliation_runs (
    run_on TEXT NOT NULL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    summary TEXT NULL
);
