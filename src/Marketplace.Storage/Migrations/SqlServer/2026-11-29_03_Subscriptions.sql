-- Subscriptions: one per municipality and offering. Provisioning owns the state; billing reads the
-- billable history (which plan and add-ons were active when) and the one-time setup fees.
-- Timestamps are ISO-8601 UTC text ("2026-11-29T10:15:00.0000000Z") on every engine: exact and sortable.
CREATE TABLE subscriptions (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    vendor_id nvarchar(100) NOT NULL REFERENCES vendors (id),
    plan_id nvarchar(100) NOT NULL,
    state nvarchar(100) NOT NULL,
    created_at nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    CONSTRAINT uq_subscriptions_municipality_offering UNIQUE (municipality_ags, offering_id)
);
CREATE INDEX ix_subscriptions_vendor ON subscriptions (vendor_id);
CREATE INDEX ix_subscriptions_offering ON subscriptions (offering_id);
-- Billable state over time: a new row whenever plan or add-ons change; valid_to NULL while it lasts.
CREATE TABLE subscription_billing_periods (
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    seq int NOT NULL,
    plan_id nvarchar(100) NOT NULL,
    addon_ids nvarchar(100) NOT NULL,
    valid_from nvarchar(100) NOT NULL,
    valid_to nvarchar(100) NULL,
    PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX ix_subscription_billing_periods_time ON subscription_billing_periods (valid_from, valid_to);
-- Setup fees chosen with an order, due when the subscription first becomes active.
CREATE TABLE subscription_setup_fees (
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    extra_id nvarchar(100) NOT NULL,
    due_at nvarchar(100) NULL,
    PRIMARY KEY (subscription_id, extra_id)
);
