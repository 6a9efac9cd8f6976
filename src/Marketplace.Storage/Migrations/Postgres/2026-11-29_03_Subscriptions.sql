-- Subscriptions: one per municipality and offering. Provisioning owns the state; billing reads the
-- billable history (which plan and add-ons were active when) and the one-time setup fees.
-- Timestamps are ISO-8601 UTC text ("2026-11-29T10:15:00.0000000Z") on every engine: exact and sortable.
CREATE TABLE subscriptions (
    id text NOT NULL PRIMARY KEY,
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    offering_id text NOT NULL REFERENCES offerings (id),
    vendor_id text NOT NULL REFERENCES vendors (id),
    plan_id text NOT NULL,
    state text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    CONSTRAINT uq_subscriptions_municipality_offering UNIQUE (municipality_ags, offering_id)
);
CREATE INDEX ix_subscriptions_vendor ON subscriptions (vendor_id);
CREATE INDEX ix_subscriptions_offering ON subscriptions (offering_id);
-- Billable state over time: a new row whenever plan or add-ons change; valid_to NULL while it lasts.
CREATE TABLE subscription_billing_periods (
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    seq integer NOT NULL,
    plan_id text NOT NULL,
    addon_ids text NOT NULL,
    valid_from text NOT NULL,
    valid_to text NULL,
    PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX ix_subscription_billing_periods_time ON subscription_billing_periods (valid_from, valid_to);
-- Setup fees chosen with an order, due when the subscription first becomes active.
CREATE TABLE subscription_setup_fees (
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    extra_id text NOT NULL,
    due_at text NULL,
    PRIMARY KEY (subscription_id, extra_id)
);
