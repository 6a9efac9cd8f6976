-- The Leitweg-ID and the invoice address of a municipality live in its organisation (identity: organisations), where
-- its buyer-admin keeps them; billing_accounts held a second copy that could disagree. Billing now reads them from
-- the organisation and keeps only what is its own: the payment channel, the invoice e-mail, the country, the Stripe customer.
ALTER TABLE billing_accounts DROP COLUMN leitweg_id, legal_name, street, postal_code, city;
