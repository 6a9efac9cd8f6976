-- Billing of extras: billing accounts, usage events, billing periods and runs, invoices with their lines,
-- and the Stripe events already processed. Timestamps are ISO-8601 UTC text like the subscriptions tables;
-- periods are 'YYYY-MM' (calendar months in Europe/Berlin); dates are 'YYYY-MM-DD'. Money is bigint euro cents.
-- Where the municipality receives its invoices and how it pays: 'xrechnung' (Leitweg-ID required) or 'stripe'.
CREATE TABLE billing_accounts (
    municipality_ags nvarchar(100) NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    payment_channel nvarchar(100) NOT NULL,
    leitweg_id nvarchar(100) NULL,
    legal_name nvarchar(400) NOT NULL,
    street nvarchar(400) NOT NULL,
    postal_code nvarchar(100) NOT NULL,
    city nvarchar(400) NOT NULL,
    country_code nvarchar(100) NOT NULL,
    email nvarchar(400) NOT NULL,
    stripe_customer_id nvarchar(100) NULL,
    updated_at nvarchar(100) NOT NULL
);
-- A month is open for usage until its billing run closes it; the row is what ingestion and the run lock.
CREATE TABLE billing_periods (
    period nvarchar(100) NOT NULL PRIMARY KEY,
    state nvarchar(100) NOT NULL,
    closed_at nvarchar(100) NULL
);
-- Usage reported by vendors. The primary key is the vendor's own event id: a repeated event cannot be stored twice.
-- No foreign key to subscriptions: ingestion validates every event against its subscription before inserting,
-- and a per-row key check would cost throughput on the hottest table.
CREATE TABLE usage_events (
    vendor_id nvarchar(100) NOT NULL,
    event_id nvarchar(100) NOT NULL,
    subscription_id nvarchar(100) NOT NULL,
    dimension nvarchar(100) NOT NULL,
    quantity bigint NOT NULL,
    occurred_at nvarchar(100) NOT NULL,
    period nvarchar(100) NOT NULL,
    received_at nvarchar(100) NOT NULL,
    PRIMARY KEY (vendor_id, event_id)
);
CREATE INDEX ix_usage_events_period ON usage_events (period, subscription_id, dimension);
CREATE TABLE billing_runs (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    period nvarchar(100) NOT NULL,
    started_at nvarchar(100) NOT NULL,
    completed_at nvarchar(100) NOT NULL,
    actor_user_id nvarchar(100) NOT NULL,
    invoice_count bigint NOT NULL,
    net_cents bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL
);
CREATE INDEX ix_billing_runs_period ON billing_runs (period);
-- One invoice per municipality and month: draft -> finalized -> paid (or payment_failed on the way), or void.
-- buyer_json/seller_json freeze the parties when the invoice is finalized, so a later address change never alters it.
CREATE TABLE invoices (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    number nvarchar(100) NOT NULL,
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    period nvarchar(100) NOT NULL,
    billing_run_id nvarchar(100) NOT NULL REFERENCES billing_runs (id),
    state nvarchar(100) NOT NULL,
    currency nvarchar(100) NOT NULL,
    net_cents bigint NOT NULL,
    vat_rate_basis_points bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL,
    period_start nvarchar(100) NOT NULL,
    period_end nvarchar(100) NOT NULL,
    payment_channel nvarchar(100) NULL,
    issue_date nvarchar(100) NULL,
    due_date nvarchar(100) NULL,
    buyer_json nvarchar(max) NULL,
    seller_json nvarchar(max) NULL,
    stripe_invoice_id nvarchar(100) NULL,
    stripe_pushed_at nvarchar(100) NULL,
    payment_failure nvarchar(max) NULL,
    created_at nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    CONSTRAINT uq_invoices_number UNIQUE (number),
    CONSTRAINT uq_invoices_municipality_period UNIQUE (municipality_ags, period)
);
CREATE INDEX ix_invoices_period ON invoices (period, state);
CREATE INDEX ix_invoices_stripe ON invoices (stripe_invoice_id);
-- Every integer column is 64-bit so that all engines hand back the same type. amount_cents = quantity * unit_price_cents / price_base, rounded half away from zero (see Money.LineAmount).
CREATE TABLE invoice_lines (
    invoice_id nvarchar(100) NOT NULL REFERENCES invoices (id),
    line_no bigint NOT NULL,
    kind nvarchar(100) NOT NULL,
    subscription_id nvarchar(100) NOT NULL,
    offering_id nvarchar(100) NOT NULL,
    offering_name nvarchar(400) NOT NULL,
    plan_id nvarchar(100) NOT NULL,
    extra_id nvarchar(100) NOT NULL,
    extra_name nvarchar(400) NOT NULL,
    tier_no bigint NULL,
    unit nvarchar(100) NOT NULL,
    quantity bigint NOT NULL,
    unit_price_cents bigint NOT NULL,
    price_base bigint NOT NULL,
    amount_cents bigint NOT NULL,
    service_from nvarchar(100) NOT NULL,
    service_to nvarchar(100) NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
CREATE INDEX ix_invoice_lines_subscription ON invoice_lines (subscription_id);
-- Stripe webhook events already applied: a redelivered event changes nothing.
CREATE TABLE stripe_events (
    event_id nvarchar(100) NOT NULL PRIMARY KEY,
    type nvarchar(100) NOT NULL,
    received_at nvarchar(100) NOT NULL
);
