-- Billing of extras: billing accounts, usage events, billing periods and runs, invoices with their lines,
-- and the Stripe events already processed. Timestamps are ISO-8601 UTC text like the subscriptions tables;
-- periods are 'YYYY-MM' (calendar months in Europe/Berlin); dates are 'YYYY-MM-DD'. Money is bigint euro cents.
-- Where the municipality receives its invoices and how it pays: 'xrechnung' (Leitweg-ID required) or 'stripe'.
CREATE TABLE billing_accounts (
    municipality_ags text NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    payment_channel text NOT NULL,
    leitweg_id text NULL,
    legal_name text NOT NULL,
    street text NOT NULL,
    postal_code text NOT NULL,
    city text NOT NULL,
    country_code text NOT NULL,
    email text NOT NULL,
    stripe_customer_id text NULL,
    updated_at text NOT NULL
);
-- A month is open for usage until its billing run closes it; the row is what ingestion and the run lock.
CREATE TABLE billing_periods (
    period text NOT NULL PRIMARY KEY,
    state text NOT NULL,
    closed_at text NULL
);
-- Usage reported by vendors. The primary key is the vendor's own event id: a repeated event cannot be stored twice.
-- No foreign key to subscriptions: ingestion validates every event against its subscription before inserting,
-- and a per-row key check would cost throughput on the hottest table.
CREATE TABLE usage_events (
    vendor_id text NOT NULL,
    event_id text NOT NULL,
    subscription_id text NOT NULL,
    dimension text NOT NULL,
    quantity bigint NOT NULL,
    occurred_at text NOT NULL,
    period text NOT NULL,
    received_at text NOT NULL,
    PRIMARY KEY (vendor_id, event_id)
);
CREATE INDEX ix_usage_events_period ON usage_events (period, subscription_id, dimension);
CREATE TABLE billing_runs (
    id text NOT NULL PRIMARY KEY,
    period text NOT NULL,
    started_at text NOT NULL,
    completed_at text NOT NULL,
    actor_user_id text NOT NULL,
    invoice_count bigint NOT NULL,
    net_cents bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL
);
CREATE INDEX ix_billing_runs_period ON billing_runs (period);
-- One invoice per municipality and month: draft -> finalized -> paid (or payment_failed on the way), or void.
-- buyer_json/seller_json freeze the parties when the invoice is finalized, so a later address change never alters it.
CREATE TABLE invoices (
    id text NOT NULL PRIMARY KEY,
    number text NOT NULL,
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    period text NOT NULL,
    billing_run_id text NOT NULL REFERENCES billing_runs (id),
    state text NOT NULL,
    currency text NOT NULL,
    net_cents bigint NOT NULL,
    vat_rate_basis_points bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL,
    period_start text NOT NULL,
    period_end text NOT NULL,
    payment_channel text NULL,
    issue_date text NULL,
    due_date text NULL,
    buyer_json text NULL,
    seller_json text NULL,
    stripe_invoice_id text NULL,
    stripe_pushed_at text NULL,
    payment_failure text NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    CONSTRAINT uq_invoices_number UNIQUE (number),
    CONSTRAINT uq_invoices_municipality_period UNIQUE (municipality_ags, period)
);
CREATE INDEX ix_invoices_period ON invoices (period, state);
CREATE INDEX ix_invoices_stripe ON invoices (stripe_invoice_id);
-- Every integer column is 64-bit so that all engines hand back the same type. amount_cents = quantity * unit_price_cents / price_base, rounded half away from zero (see Money.LineAmount).
CREATE TABLE invoice_lines (
    invoice_id text NOT NULL REFERENCES invoices (id),
    line_no bigint NOT NULL,
    kind text NOT NULL,
    subscription_id text NOT NULL,
    offering_id text NOT NULL,
    offering_name text NOT NULL,
    plan_id text NOT NULL,
    extra_id text NOT NULL,
    extra_name text NOT NULL,
    tier_no bigint NULL,
    unit text NOT NULL,
    quantity bigint NOT NULL,
    unit_price_cents bigint NOT NULL,
    price_base bigint NOT NULL,
    amount_cents bigint NOT NULL,
    service_from text NOT NULL,
    service_to text NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
CREATE INDEX ix_invoice_lines_subscription ON invoice_lines (subscription_id);
-- Stripe webhook events already applied: a redelivered event changes nothing.
CREATE TABLE stripe_events (
    event_id text NOT NULL PRIMARY KEY,
    type text NOT NULL,
    received_at text NOT NULL
);
