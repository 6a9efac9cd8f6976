-- Subscriptions: one per municipality and offering. Provisioning owns the state; billing reads the
-- billable history (which plan and add-ons were active when) and the one-time setup fees.
-- Timestamps are ISO-8601 UTC text ("2026-11-29T10:15:00.0000000Z") on every engine: exact and sortable.
CREATE TABLE subscriptions (
    id TEXT NOT NULL PRIMARY KEY,
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    plan_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_subscriptions_municipality_offering UNIQUE (municipality_ags, offering_id)
);
CREATE INDEX ix_subscriptions_vendor ON subscriptions (vendor_id);
CREATE INDEX ix_subscriptions_offering ON subscriptions (offering_id);
-- Billable state over time: a new row whenever plan or add-ons change; valid_to NULL while it lasts.
CREATE TABLE subscription_billing_periods (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    seq INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    addon_ids TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NULL,
    PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX ix_subscription_billing_periods_time ON subscription_billing_periods (valid_from, valid_to);
-- Setup fees chosen with an order, due when the subscription first becomes active.
CREATE TABLE subscription_setup_fees (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    extra_id TEXT NOT NULL,
    due_at TEXT NULL,
    PRIMARY KEY (subscription_id, extra_id)
);
