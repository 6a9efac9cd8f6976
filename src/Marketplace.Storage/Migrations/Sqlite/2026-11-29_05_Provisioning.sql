-- Provisioning: orders, the provisioning side of subscriptions, their timeline, tenant configuration defaults,
-- vendor brokers, bulk rollouts, durable broker jobs and the shared Data Protection key ring.
-- Timestamps are ISO-8601 UTC TEXT of fixed width, as in 2026-11-29_03: exact, sortable, comparable as text.
CREATE TABLE orders (
    id TEXT NOT NULL PRIMARY KEY,
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    bundle_id TEXT NULL,
    state TEXT NOT NULL,
    monthly_cost_cents INTEGER NOT NULL,
    ordered_by TEXT NOT NULL,
    ordered_at TEXT NOT NULL,
    decided_by TEXT NULL,
    decided_at TEXT NULL,
    decision_reason TEXT NULL,
    CONSTRAINT uq_orders_idempotency UNIQUE (municipality_ags, idempotency_key)
);
-- Four-eyes approval: orders whose monthly cost exceeds the threshold wait for a second buyer-admin.
CREATE TABLE municipality_order_settings (
    municipality_ags TEXT NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    approval_threshold_cents INTEGER NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE rollouts (
    id TEXT NOT NULL PRIMARY KEY,
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    plan_id TEXT NOT NULL,
    addon_ids TEXT NOT NULL,
    organisation_id TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    total INTEGER NOT NULL
);
-- The provisioning side of a subscription (one row each); billing reads only subscriptions and its periods.
CREATE TABLE subscription_provisioning (
    subscription_id TEXT NOT NULL PRIMARY KEY REFERENCES subscriptions (id),
    order_id TEXT NULL REFERENCES orders (id),
    rollout_id TEXT NULL REFERENCES rollouts (id),
    fulfilment TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    config_json TEXT NOT NULL,
    pending_json TEXT NULL,
    dashboard_url TEXT NULL,
    notes TEXT NULL,
    failure_reason TEXT NULL,
    failed_job_id TEXT NULL
);
CREATE INDEX ix_subscription_provisioning_order ON subscription_provisioning (order_id);
CREATE INDEX ix_subscription_provisioning_rollout ON subscription_provisioning (rollout_id);
-- The timeline of a subscription, shown to the municipality and the vendor.
CREATE TABLE subscription_events (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    seq INTEGER NOT NULL,
    occurred_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT NULL,
    to_state TEXT NULL,
    actor_user_id TEXT NOT NULL,
    message TEXT NULL,
    PRIMARY KEY (subscription_id, seq)
);
-- Landesspezifische Ausprägungen: default configuration per offering and Land, from the vendor or a bundling organisation.
CREATE TABLE land_config_defaults (
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    land_code TEXT NOT NULL REFERENCES laender (code),
    source_kind TEXT NOT NULL,
    source_org_id TEXT NOT NULL,
    values_json TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (offering_id, land_code, source_kind)
);
-- How to reach a vendor's broker: credentials (secret protected with Data Protection) and the concurrency limit.
CREATE TABLE vendor_brokers (
    vendor_id TEXT NOT NULL PRIMARY KEY REFERENCES vendors (id),
    auth_kind TEXT NOT NULL,
    username TEXT NULL,
    secret_protected TEXT NULL,
    token_url TEXT NULL,
    scope TEXT NULL,
    max_concurrency INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
-- Durable jobs: every broker call. Claimed with row locks, leased, retried with backoff, dead-lettered.
CREATE TABLE provisioning_jobs (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    broker_key TEXT NOT NULL,
    state TEXT NOT NULL,
    phase TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    run_at TEXT NOT NULL,
    runs INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    max_failures INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_token TEXT NULL,
    lease_expires_at TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT NULL
);
CREATE INDEX ix_provisioning_jobs_due ON provisioning_jobs (broker_key, state, run_at);
CREATE INDEX ix_provisioning_jobs_state ON provisioning_jobs (state, run_at);
CREATE INDEX ix_provisioning_jobs_subscription ON provisioning_jobs (subscription_id);
CREATE TABLE provisioning_job_attempts (
    job_id TEXT NOT NULL REFERENCES provisioning_jobs (id),
    run_no INTEGER NOT NULL,
    worker_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    outcome TEXT NULL,
    detail TEXT NULL,
    PRIMARY KEY (job_id, run_no)
);
