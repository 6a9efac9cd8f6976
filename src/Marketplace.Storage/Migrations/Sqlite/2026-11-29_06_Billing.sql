-- Billing of extras: billing accounts, usage events, billing periods and runs, invoices with their lines,
-- and the Stripe events already processed. Timestamps are ISO-8601 UTC TEXT like the subscriptions tables;
-- periods are 'YYYY-MM' (calendar months in Europe/Berlin); dates are 'YYYY-MM-DD'. Money is integer euro cents.
-- Where the municipality receives its invoices and how it pays: 'xrechnung' (Leitweg-ID required) or 'stripe'.
CREATE TABLE billing_accounts (
    municipality_ags TEXT NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    payment_channel TEXT NOT NULL,
    leitweg_id TEXT NULL,
    legal_name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country_code TEXT NOT NULL,
    email TEXT NOT NULL,
    stripe_customer_id TEXT NULL,
    updated_at TEXT NOT NULL
);
-- A month is open for usage until its billing run closes it; the row is what ingestion and the run lock.
CREATE TABLE billing_periods (
    period TEXT NOT NULL PRIMARY KEY,
    state TEXT NOT NULL,
    closed_at TEXT NULL
);
-- Usage reported by vendors. The primary key is the vendor's own event id: a repeated event cannot be stored twice.
-- No foreign key to subscriptions: ingestion validates every event against its subscription before inserting,
-- and a per-row key check would cost throughput on the hottest table.
CREATE TABLE usage_events (
    vendor_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    occurred_at TEXT NOT NULL,
    period TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (vendor_id, event_id)
);
CREATE INDEX ix_usage_events_period ON usage_events (period, subscription_id, dimension);
CREATE TABLE billing_runs (
    id TEXT NOT NULL PRIMARY KEY,
    period TEXT NOT NULL,
    started_at TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    actor_user_id TEXT NOT NULL,
    invoice_count INTEGER NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    gross_cents INTEGER NOT NULL
);
CREATE INDEX ix_billing_runs_period ON billing_runs (period);
-- One invoice per municipality and month: draft -> finalized -> paid (or payment_failed on the way), or void.
-- buyer_json/seller_json freeze the parties when the invoice is finalized, so a later address change never alters it.
CREATE TABLE invoices (
    id TEXT NOT NULL PRIMARY KEY,
    number TEXT NOT NULL,
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    period TEXT NOT NULL,
    billing_run_id TEXT NOT NULL REFERENCES billing_runs (id),
    state TEXT NOT NULL,
    currency TEXT NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_rate_basis_points INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    gross_cents INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    payment_channel TEXT NULL,
    issue_date TEXT NULL,
    due_date TEXT NULL,
    buyer_json TEXT NULL,
    seller_json TEXT NULL,
    stripe_invoice_id TEXT NULL,
    stripe_pushed_at TEXT NULL,
    payment_failure TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_invoices_number UNIQUE (number),
    CONSTRAINT uq_invoices_municipality_period UNIQUE (municipality_ags, period)
);
CREATE INDEX ix_invoices_period ON invoices (period, state);
CREATE INDEX ix_invoices_stripe ON invoices (stripe_invoice_id);
-- Every integer column is 64-bit so that all engines hand back the same type. amount_cents = quantity * unit_price_cents / price_base, rounded half away from zero (see Money.LineAmount).
CREATE TABLE invoice_lines (
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    line_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    offering_id TEXT NOT NULL,
    offering_name TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    extra_id TEXT NOT NULL,
    extra_name TEXT NOT NULL,
    tier_no INTEGER NULL,
    unit TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    price_base INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    service_from TEXT NOT NULL,
    service_to TEXT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
CREATE INDEX ix_invoice_lines_subscription ON invoice_lines (subscription_id);
-- Stripe webhook events already applied: a redelivered event changes nothing.
CREATE TABLE stripe_events (
    event_id TEXT NOT NULL PRIMARY KEY,
    type TEXT NOT NULL,
    received_at TEXT NOT NULL
);
