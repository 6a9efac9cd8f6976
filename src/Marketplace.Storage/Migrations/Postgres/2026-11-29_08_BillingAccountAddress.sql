-- The Leitweg-ID and the invoice address of a municipality live in its organisation (identity: organisations), where
-- its buyer-admin keeps them; billing_accounts held a second copy that could disagree. Billing now reads them from
-- the organisation and keeps only what is its own: the payment channel, the invoice e-mail, the country, the Stripe customer.
ALTER TABLE billing_accounts DROP COLUMN IF EXISTS leitweg_id, DROP COLUMN IF EXISTS legal_name, DROP COLUMN IF EXISTS street,
    DROP COLUMN IF EXISTS postal_code, DROP COLUMN IF EXISTS city;
