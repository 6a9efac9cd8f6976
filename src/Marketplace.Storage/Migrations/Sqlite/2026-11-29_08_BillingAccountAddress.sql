-- The Leitweg-ID and the invoice address of a municipality live in its organisation (identity: organisations), where
-- its buyer-admin keeps them; billing_accounts held a second copy that could disagree. Billing now reads them from
-- the organisation and keeps only what is its own: the payment channel, the invoice e-mail, the country, the Stripe customer.
ALTER TABLE billing_accounts DROP COLUMN leitweg_id;
ALTER TABLE billing_accounts DROP COLUMN legal_name;
ALTER TABLE billing_accounts DROP COLUMN street;
ALTER TABLE billing_accounts DROP COLUMN postal_code;
ALTER TABLE billing_accounts DROP COLUMN city;
