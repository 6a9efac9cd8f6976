-- What the platform found when it compared a live subscription with its vendor's broker (GET of the instance, where the
-- broker declares instances_retrievable): one row per mismatch kind (missing, plan, parameters) while it lasts.
-- platform_value and broker_value hold plan ids or parameter names, never parameter values (they may be secrets).
CREATE TABLE reconciliation_findings (
    id text NOT NULL PRIMARY KEY,
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    vendor_id text NOT NULL,
    municipality_ags text NOT NULL,
    offering_id text NOT NULL,
    kind text NOT NULL,
    platform_value text NULL,
    broker_value text NULL,
    detail text NULL,
    source text NOT NULL,
    found_at text NOT NULL,
    last_seen_at text NOT NULL,
    resolved_at text NULL
);
CREATE INDEX ix_reconciliation_findings_subscription ON reconciliation_findings (subscription_id, kind);
CREATE INDEX ix_reconciliation_findings_vendor ON reconciliation_findings (vendor_id, found_at);
-- One row per day the reconciliation ran; the primary key lets exactly one instance run it each day.
CREATE TABLE reconciliation_runs (
    run_on text NOT NULL PRIMARY KEY,
    started_at text NOT NULL,
    finished_at text NULL,
    summary text NULL
);
