-- VAT per price item (EN 16931 BT-151/152, BT-120/121): a plan extra may name its VAT category, rate and exemption
-- reason; NULL takes the configured default. Invoice lines keep the treatment they were billed with, so the VAT breakdown
-- (BG-23) of an invoice is one group per category and rate. Existing lines were all standard rated at their invoice's rate.
ALTER TABLE plan_extras ADD COLUMN vat_category TEXT NULL;
ALTER TABLE plan_extras ADD COLUMN vat_rate_basis_points INTEGER NULL;
ALTER TABLE plan_extras ADD COLUMN vat_exemption_reason TEXT NULL;
ALTER TABLE plan_extras ADD COLUMN vat_exemption_code TEXT NULL;
ALTER TABLE invoice_lines ADD COLUMN vat_category TEXT NULL;
ALTER TABLE invoice_lines ADD COLUMN vat_rate_basis_points INTEGER NULL;
ALTER TABLE invoice_lines ADD COLUMN vat_exemption_reason TEXT NULL;
ALTER TABLE invoice_lines ADD COLUMN vat_exemption_code TEXT NULL;
UPDATE invoice_lines SET vat_category = 'S', vat_rate_basis_points = (SELECT i.vat_rate_basis_points FROM invoices i WHERE i.id = invoice_lines.invoice_id) WHERE vat_category IS NULL;
