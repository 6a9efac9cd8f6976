-- An invoice corrected upwards is replaced: a credit note cancels it and a new invoice for the same municipality and month
-- names it in replaces_invoice_id (BT-25). Only one invoice of a municipality and month may be live (not void).
ALTER TABLE invoices DROP CONSTRAINT uq_invoices_municipality_period;
ALTER TABLE invoices ADD COLUMN replaces_invoice_id text NULL REFERENCES invoices (id);
CREATE INDEX ix_invoices_replaces ON invoices (replaces_invoice_id);
CREATE UNIQUE INDEX ux_invoices_municipality_period_live ON invoices (municipality_ags, period) WHERE state <> 'void';
