-- An invoice corrected upwards is replaced: a credit note cancels it and a new invoice for the same municipality and month
-- names it in replaces_invoice_id (BT-25). Only one invoice of a municipality and month may be live (not void), so the
-- table constraint UNIQUE (municipality_ags, period) becomes a partial unique index.
-- SQLite cannot drop a table constraint: the table is rebuilt. The rows are copied aside and put back into the new table
-- (rather than renaming a new table into place) so that the foreign keys of invoice_lines and credit_notes, which name
-- "invoices", hold again when the transaction commits even where foreign keys are enforced: the deferred check counts the
-- children orphaned by the DROP and counts them off as their parents are inserted again.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE invoices_rebuild AS SELECT * FROM invoices;
DROP TABLE invoices;
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
    replaces_invoice_id TEXT NULL REFERENCES invoices (id),
    CONSTRAINT uq_invoices_number UNIQUE (number)
);
INSERT INTO invoices (id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
                      gross_cents, period_start, period_end, payment_channel, issue_date, due_date, buyer_json, seller_json,
                      stripe_invoice_id, stripe_pushed_at, payment_failure, created_at, updated_at)
SELECT id, number, municipality_ags, period, billing_run_id, state, currency, net_cents, vat_rate_basis_points, vat_cents,
       gross_cents, period_start, period_end, payment_channel, issue_date, due_date, buyer_json, seller_json,
       stripe_invoice_id, stripe_pushed_at, payment_failure, created_at, updated_at
FROM invoices_rebuild;
DROP TABLE invoices_rebuild;
CREATE INDEX ix_invoices_period ON invoices (period, state);
CREATE INDEX ix_invoices_stripe ON invoices (stripe_invoice_id);
CREATE INDEX ix_invoices_replaces ON invoices (replaces_invoice_id);
CREATE UNIQUE INDEX ux_invoices_municipality_period_live ON invoices (municipality_ags, period) WHERE state <> 'void';
