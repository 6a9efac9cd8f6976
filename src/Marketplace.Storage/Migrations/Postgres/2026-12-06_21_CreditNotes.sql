-- Credit notes (UBL CreditNote, type 381): one cancels an issued invoice when it is voided (the full remaining amount),
-- or credits the difference when an issued invoice is corrected. Each references its invoice (BT-25/BT-26) and takes its
-- number from its own gapless series (document_series, counted up inside the issuing transaction).
CREATE TABLE credit_notes (
    id text NOT NULL PRIMARY KEY,
    number text NOT NULL,
    invoice_id text NOT NULL REFERENCES invoices (id),
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    kind text NOT NULL,
    reason text NOT NULL,
    currency text NOT NULL,
    net_cents bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL,
    issue_date text NOT NULL,
    payment_channel text NULL,
    buyer_json text NOT NULL,
    seller_json text NOT NULL,
    stripe_credit_note_id text NULL,
    created_at text NOT NULL,
    CONSTRAINT uq_credit_notes_number UNIQUE (number)
);
CREATE INDEX ix_credit_notes_invoice ON credit_notes (invoice_id);
CREATE INDEX ix_credit_notes_municipality ON credit_notes (municipality_ags, issue_date);
CREATE TABLE credit_note_lines (
    credit_note_id text NOT NULL,
    line_no bigint NOT NULL,
    invoice_line_no bigint NOT NULL,
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
    vat_category text NOT NULL,
    vat_rate_basis_points bigint NOT NULL,
    vat_exemption_reason text NULL,
    vat_exemption_code text NULL,
    PRIMARY KEY (credit_note_id, line_no),
    FOREIGN KEY (credit_note_id) REFERENCES credit_notes (id)
);
-- Gapless number series: the row is counted up in the transaction that issues the document, so a rollback leaves no gap.
CREATE TABLE document_series (
    series text NOT NULL PRIMARY KEY,
    last_no bigint NOT NULL
);
-- Stripe tax rates made for a VAT category and rate (Stripe keeps idempotency keys for a day only; this keeps the ids).
CREATE TABLE stripe_tax_rates (
    vat_key text NOT NULL PRIMARY KEY,
    stripe_tax_rate_id text NOT NULL
);
