-- Credit notes (UBL CreditNote, type 381): one cancels an issued invoice when it is voided (the full remaining amount),
-- or credits the difference when an issued invoice is corrected. Each references its invoice (BT-25/BT-26) and takes its
-- number from its own gapless series (document_series, counted up inside the issuing transaction).
CREATE TABLE credit_notes (
    id TEXT NOT NULL PRIMARY KEY,
    number TEXT NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    currency TEXT NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    gross_cents INTEGER NOT NULL,
    issue_date TEXT NOT NULL,
    payment_channel TEXT NULL,
    buyer_json TEXT NOT NULL,
    seller_json TEXT NOT NULL,
    stripe_credit_note_id TEXT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_credit_notes_number UNIQUE (number)
);
CREATE INDEX ix_credit_notes_invoice ON credit_notes (invoice_id);
CREATE INDEX ix_credit_notes_municipality ON credit_notes (municipality_ags, issue_date);
CREATE TABLE credit_note_lines (
    credit_note_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    invoice_line_no INTEGER NOT NULL,
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
    vat_category TEXT NOT NULL,
    vat_rate_basis_points INTEGER NOT NULL,
    vat_exemption_reason TEXT NULL,
    vat_exemption_code TEXT NULL,
    PRIMARY KEY (credit_note_id, line_no),
    FOREIGN KEY (credit_note_id) REFERENCES credit_notes (id)
);
-- Gapless number series: the row is counted up in the transaction that issues the document, so a rollback leaves no gap.
CREATE TABLE document_series (
    series TEXT NOT NULL PRIMARY KEY,
    last_no INTEGER NOT NULL
);
-- Stripe tax rates made for a VAT category and rate (Stripe keeps idempotency keys for a day only; this keeps the ids).
CREATE TABLE stripe_tax_rates (
    vat_key TEXT NOT NULL PRIMARY KEY,
    stripe_tax_rate_id TEXT NOT NULL
);
