-- Provisioning: orders, the provisioning side of subscriptions, their timeline, tenant configuration defaults,
-- vendor brokers, bulk rollouts, durable broker jobs and the shared Data Protection key ring.
-- Timestamps are ISO-8601 UTC text of fixed width, as in 2026-11-29_03: exact, sortable, comparable as text.
CREATE TABLE orders (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    idempotency_key nvarchar(100) NOT NULL,
    request_hash nvarchar(100) NOT NULL,
    kind nvarchar(100) NOT NULL,
    bundle_id nvarchar(100) NULL,
    state nvarchar(100) NOT NULL,
    monthly_cost_cents bigint NOT NULL,
    ordered_by nvarchar(100) NOT NULL,
    ordered_at nvarchar(100) NOT NULL,
    decided_by nvarchar(100) NULL,
    decided_at nvarchar(100) NULL,
    decision_reason nvarchar(max) NULL,
    CONSTRAINT uq_orders_idempotency UNIQUE (municipality_ags, idempotency_key)
);
-- Four-eyes approval: orders whose monthly cost exceeds the threshold wait for a second buyer-admin.
CREATE TABLE municipality_order_settings (
    municipality_ags nvarchar(100) NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    approval_threshold_cents bigint NULL,
    updated_by nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL
);
CREATE TABLE rollouts (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    plan_id nvarchar(100) NOT NULL,
    addon_ids nvarchar(max) NOT NULL,
    organisation_id nvarchar(100) NULL,
    created_by nvarchar(100) NOT NULL,
    created_at nvarchar(100) NOT NULL,
    total int NOT NULL
);
-- The provisioning side of a subscription (one row each); billing reads only subscriptions and its periods.
CREATE TABLE subscription_provisioning (
    subscription_id nvarchar(100) NOT NULL PRIMARY KEY REFERENCES subscriptions (id),
    order_id nvarchar(100) NULL REFERENCES orders (id),
    rollout_id nvarchar(100) NULL REFERENCES rollouts (id),
    fulfilment nvarchar(100) NOT NULL,
    instance_id nvarchar(100) NOT NULL,
    config_json nvarchar(max) NOT NULL,
    pending_json nvarchar(max) NULL,
    dashboard_url nvarchar(max) NULL,
    notes nvarchar(max) NULL,
    failure_reason nvarchar(max) NULL,
    failed_job_id nvarchar(100) NULL
);
CREATE INDEX ix_subscription_provisioning_order ON subscription_provisioning (order_id);
CREATE INDEX ix_subscription_provisioning_rollout ON subscription_provisioning (rollout_id);
-- The timeline of a subscription, shown to the municipality and the vendor.
CREATE TABLE subscription_events (
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    seq int NOT NULL,
    occurred_at nvarchar(100) NOT NULL,
    kind nvarchar(100) NOT NULL,
    from_state nvarchar(100) NULL,
    to_state nvarchar(100) NULL,
    actor_user_id nvarchar(100) NOT NULL,
    message nvarchar(100) NULL,
    PRIMARY KEY (subscription_id, seq)
);
-- Landesspezifische Ausprägungen: default configuration per offering and Land, from the vendor or a bundling organisation.
CREATE TABLE land_config_defaults (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    land_code nvarchar(100) NOT NULL REFERENCES laender (code),
    source_kind nvarchar(100) NOT NULL,
    source_org_id nvarchar(100) NOT NULL,
    values_json nvarchar(max) NOT NULL,
    updated_by nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, land_code, source_kind)
);
-- How to reach a vendor's broker: credentials (secret protected with Data Protection) and the concurrency limit.
CREATE TABLE vendor_brokers (
    vendor_id nvarchar(100) NOT NULL PRIMARY KEY REFERENCES vendors (id),
    auth_kind nvarchar(100) NOT NULL,
    username nvarchar(100) NULL,
    secret_protected nvarchar(max) NULL,
    token_url nvarchar(max) NULL,
    scope nvarchar(max) NULL,
    max_concurrency int NOT NULL,
    updated_at nvarchar(100) NOT NULL
);
-- Durable jobs: every broker call. Claimed with row locks, leased, retried with backoff, dead-lettered.
CREATE TABLE provisioning_jobs (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    kind nvarchar(100) NOT NULL,
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    broker_key nvarchar(100) NOT NULL,
    state nvarchar(100) NOT NULL,
    phase nvarchar(100) NOT NULL,
    payload_json nvarchar(max) NOT NULL,
    run_at nvarchar(100) NOT NULL,
    runs int NOT NULL,
    failures int NOT NULL,
    max_failures int NOT NULL,
    lease_owner nvarchar(100) NULL,
    lease_token nvarchar(100) NULL,
    lease_expires_at nvarchar(100) NULL,
    last_error nvarchar(max) NULL,
    created_at nvarchar(100) NOT NULL,
    finished_at nvarchar(100) NULL
);
CREATE INDEX ix_provisioning_jobs_due ON provisioning_jobs (broker_key, state, run_at);
CREATE INDEX ix_provisioning_jobs_state ON provisioning_jobs (state, run_at);
CREATE INDEX ix_provisioning_jobs_subscription ON provisioning_jobs (subscription_id);
CREATE TABLE provisioning_job_attempts (
    job_id nvarchar(100) NOT NULL REFERENCES provisioning_jobs (id),
    run_no int NOT NULL,
    worker_id nvarchar(100) NOT NULL,
    phase nvarchar(100) NOT NULL,
    started_at nvarchar(100) NOT NULL,
    finished_at nvarchar(100) NULL,
    outcome nvarchar(100) NULL,
    detail nvarchar(max) NULL,
    PRIMARY KEY (job_id, run_no)
);
