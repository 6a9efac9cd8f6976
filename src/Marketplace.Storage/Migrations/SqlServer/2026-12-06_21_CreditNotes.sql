-- Credit notes (UBL CreditNote, type 381): one cancels an issued invoice when it is voided (the full remaining amount),
-- or credits the difference when an issued invoice is corrected. Each references its invoice (BT-25/BT-26) and takes its
-- number from its own gapless series (document_series, counted up inside the issuing transaction).
CREATE TABLE credit_notes (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    number nvarchar(100) NOT NULL,
    invoice_id nvarchar(100) NOT NULL REFERENCES invoices (id),
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    kind nvarchar(100) NOT NULL,
    reason nvarchar(max) NOT NULL,
    currency nvarchar(100) NOT NULL,
    net_cents bigint NOT NULL,
    vat_cents bigint NOT NULL,
    gross_cents bigint NOT NULL,
    issue_date nvarchar(100) NOT NULL,
    payment_channel nvarchar(100) NULL,
    buyer_json nvarchar(max) NOT NULL,
    seller_json nvarchar(max) NOT NULL,
    stripe_credit_note_id nvarchar(100) NULL,
    created_at nvarchar(100) NOT NULL,
    CONSTRAINT uq_credit_notes_number UNIQUE (number)
);
CREATE INDEX ix_credit_notes_invoice ON credit_notes (invoice_id);
CREATE INDEX ix_credit_notes_municipality ON credit_notes (municipality_ags, issue_date);
CREATE TABLE credit_note_lines (
    credit_note_id nvarchar(100) NOT NULL,
    line_no bigint NOT NULL,
    invoice_line_no bigint NOT NULL,
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
    vat_category nvarchar(100) NOT NULL,
    vat_rate_basis_points bigint NOT NULL,
    vat_exemption_reason nvarchar(max) NULL,
    vat_exemption_code nvarchar(100) NULL,
    PRIMARY KEY (credit_note_id, line_no),
    FOREIGN KEY (credit_note_id) REFERENCES credit_notes (id)
);
-- Gapless number series: the row is counted up in the transaction that issues the document, so a rollback leaves no gap.
CREATE TABLE document_series (
    series nvarchar(100) NOT NULL PRIMARY KEY,
    last_no bigint NOT NULL
);
-- Stripe tax rates made for a VAT category and rate (Stripe keeps idempotency keys for a day only; this keeps the ids).
CREATE TABLE stripe_tax_rates (
    vat_key nvarchar(100) NOT NULL PRIMARY KEY,
    stripe_tax_rate_id nvarchar(100) NOT NULL
);
