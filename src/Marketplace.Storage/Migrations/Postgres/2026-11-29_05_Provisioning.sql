-- Provisioning: orders, the provisioning side of subscriptions, their timeline, tenant configuration defaults,
-- vendor brokers, bulk rollouts, durable broker jobs and the shared Data Protection key ring.
-- Timestamps are ISO-8601 UTC text of fixed width, as in 2026-11-29_03: exact, sortable, comparable as text.
CREATE TABLE orders (
    id text NOT NULL PRIMARY KEY,
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    idempotency_key text NOT NULL,
    request_hash text NOT NULL,
    kind text NOT NULL,
    bundle_id text NULL,
    state text NOT NULL,
    monthly_cost_cents bigint NOT NULL,
    ordered_by text NOT NULL,
    ordered_at text NOT NULL,
    decided_by text NULL,
    decided_at text NULL,
    decision_reason text NULL,
    CONSTRAINT uq_orders_idempotency UNIQUE (municipality_ags, idempotency_key)
);
-- Four-eyes approval: orders whose monthly cost exceeds the threshold wait for a second buyer-admin.
CREATE TABLE municipality_order_settings (
    municipality_ags text NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    approval_threshold_cents bigint NULL,
    updated_by text NOT NULL,
    updated_at text NOT NULL
);
CREATE TABLE rollouts (
    id text NOT NULL PRIMARY KEY,
    offering_id text NOT NULL REFERENCES offerings (id),
    plan_id text NOT NULL,
    addon_ids text NOT NULL,
    organisation_id text NULL,
    created_by text NOT NULL,
    created_at text NOT NULL,
    total integer NOT NULL
);
-- The provisioning side of a subscription (one row each); billing reads only subscriptions and its periods.
CREATE TABLE subscription_provisioning (
    subscription_id text NOT NULL PRIMARY KEY REFERENCES subscriptions (id),
    order_id text NULL REFERENCES orders (id),
    rollout_id text NULL REFERENCES rollouts (id),
    fulfilment text NOT NULL,
    instance_id text NOT NULL,
    config_json text NOT NULL,
    pending_json text NULL,
    dashboard_url text NULL,
    notes text NULL,
    failure_reason text NULL,
    failed_job_id text NULL
);
CREATE INDEX ix_subscription_provisioning_order ON subscription_provisioning (order_id);
CREATE INDEX ix_subscription_provisioning_rollout ON subscription_provisioning (rollout_id);
-- The timeline of a subscription, shown to the municipality and the vendor.
CREATE TABLE subscription_events (
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    seq integer NOT NULL,
    occurred_at text NOT NULL,
    kind text NOT NULL,
    from_state text NULL,
    to_state text NULL,
    actor_user_id text NOT NULL,
    message text NULL,
    PRIMARY KEY (subscription_id, seq)
);
-- Landesspezifische Ausprägungen: default configuration per offering and Land, from the vendor or a bundling organisation.
CREATE TABLE land_config_defaults (
    offering_id text NOT NULL REFERENCES offerings (id),
    land_code text NOT NULL REFERENCES laender (code),
    source_kind text NOT NULL,
    source_org_id text NOT NULL,
    values_json text NOT NULL,
    updated_by text NOT NULL,
    updated_at text NOT NULL,
    PRIMARY KEY (offering_id, land_code, source_kind)
);
-- How to reach a vendor's broker: credentials (secret protected with Data Protection) and the concurrency limit.
CREATE TABLE vendor_brokers (
    vendor_id text NOT NULL PRIMARY KEY REFERENCES vendors (id),
    auth_kind text NOT NULL,
    username text NULL,
    secret_protected text NULL,
    token_url text NULL,
    scope text NULL,
    max_concurrency integer NOT NULL,
    updated_at text NOT NULL
);
-- Durable jobs: every broker call. Claimed with row locks, leased, retried with backoff, dead-lettered.
CREATE TABLE provisioning_jobs (
    id text NOT NULL PRIMARY KEY,
    kind text NOT NULL,
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    broker_key text NOT NULL,
    state text NOT NULL,
    phase text NOT NULL,
    payload_json text NOT NULL,
    run_at text NOT NULL,
    runs integer NOT NULL,
    failures integer NOT NULL,
    max_failures integer NOT NULL,
    lease_owner text NULL,
    lease_token text NULL,
    lease_expires_at text NULL,
    last_error text NULL,
    created_at text NOT NULL,
    finished_at text NULL
);
CREATE INDEX ix_provisioning_jobs_due ON provisioning_jobs (broker_key, state, run_at);
CREATE INDEX ix_provisioning_jobs_state ON provisioning_jobs (state, run_at);
CREATE INDEX ix_provisioning_jobs_subscription ON provisioning_jobs (subscription_id);
CREATE TABLE provisioning_job_attempts (
    job_id text NOT NULL REFERENCES provisioning_jobs (id),
    run_no integer NOT NULL,
    worker_id text NOT NULL,
    phase text NOT NULL,
    started_at text NOT NULL,
    finished_at text NULL,
    outcome text NULL,
    detail text NULL,
    PRIMARY KEY (job_id, run_no)
);
