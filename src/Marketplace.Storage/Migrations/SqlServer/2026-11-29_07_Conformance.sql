-- Vendor publishing and conformance: offering versions with their lifecycle, automated check results, attested
-- evidence with auditor decisions, conformance status, the conformance policy, notifications, and the catalogue's projection of it.
-- Timestamps are ISO-8601 UTC text on every engine, dates YYYY-MM-DD text.
-- Catalogue projection of the published version: which version the catalogue shows, and the offering's lifecycle.
CREATE TABLE offering_publication (
    offering_id nvarchar(100) NOT NULL PRIMARY KEY REFERENCES offerings (id) ON DELETE CASCADE,
    version int NOT NULL,
    lifecycle nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL
);
-- Catalogue projection: the published version's conformance per standard, as search and pages show it.
CREATE TABLE offering_conformance (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id nvarchar(100) NOT NULL,
    standard_version nvarchar(100) NOT NULL,
    status nvarchar(100) NOT NULL,
    required bit NOT NULL,
    checked_at nvarchar(100) NULL,
    PRIMARY KEY (offering_id, standard_id)
);
-- Conformance: one row per offering (drafts included), owned by its vendor; lifecycle active, deprecated or retired.
CREATE TABLE offering_heads (
    offering_id nvarchar(100) NOT NULL PRIMARY KEY,
    vendor_id nvarchar(100) NOT NULL REFERENCES vendors (id),
    lifecycle nvarchar(100) NOT NULL,
    published_version int NULL,
    latest_version int NOT NULL,
    created_at nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL
);
CREATE INDEX ix_offering_heads_vendor ON offering_heads (vendor_id);
-- Every version of an offering: draft, submitted, approved, rejected, published, superseded. A published version is never rewritten.
CREATE TABLE offering_versions (
    offering_id nvarchar(100) NOT NULL REFERENCES offering_heads (offering_id),
    version int NOT NULL,
    vendor_id nvarchar(100) NOT NULL,
    state nvarchar(100) NOT NULL,
    origin nvarchar(100) NOT NULL,
    document_json nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL,
    created_at nvarchar(100) NOT NULL,
    created_by nvarchar(100) NOT NULL,
    submitted_at nvarchar(100) NULL,
    decided_at nvarchar(100) NULL,
    decided_by nvarchar(100) NULL,
    decision_reason nvarchar(max) NULL,
    published_at nvarchar(100) NULL,
    PRIMARY KEY (offering_id, version)
);
CREATE INDEX ix_offering_versions_state ON offering_versions (state, submitted_at);
-- The latest result of each automated criterion for an offering version, with the raw evidence (e.g. the broker's answer).
CREATE TABLE conformance_checks (
    offering_id nvarchar(100) NOT NULL,
    offering_version int NOT NULL,
    standard_id nvarchar(100) NOT NULL,
    standard_version nvarchar(100) NOT NULL,
    criterion_id nvarchar(100) NOT NULL,
    outcome nvarchar(100) NOT NULL,
    detail nvarchar(max) NOT NULL,
    raw_evidence nvarchar(max) NULL,
    checked_at nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id, standard_version, criterion_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- Evidence for attested criteria (certificates, reports, ...) per offering, and the auditor's decision on it. Dates are YYYY-MM-DD.
CREATE TABLE conformance_evidence (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    offering_id nvarchar(100) NOT NULL REFERENCES offering_heads (offering_id),
    vendor_id nvarchar(100) NOT NULL,
    standard_id nvarchar(100) NOT NULL,
    standard_version nvarchar(100) NOT NULL,
    criterion_id nvarchar(100) NOT NULL,
    evidence_type nvarchar(100) NOT NULL,
    issuer nvarchar(400) NOT NULL,
    issued_on nvarchar(100) NOT NULL,
    expires_on nvarchar(100) NOT NULL,
    file_name nvarchar(400) NOT NULL,
    content_type nvarchar(100) NOT NULL,
    sha256 nvarchar(100) NOT NULL,
    size_bytes bigint NOT NULL,
    origin nvarchar(100) NOT NULL,
    state nvarchar(100) NOT NULL,
    uploaded_at nvarchar(100) NOT NULL,
    uploaded_by nvarchar(100) NOT NULL,
    decided_at nvarchar(100) NULL,
    decided_by nvarchar(100) NULL,
    decision_reason nvarchar(max) NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE INDEX ix_conformance_evidence_offering ON conformance_evidence (offering_id, standard_id, criterion_id);
CREATE INDEX ix_conformance_evidence_state ON conformance_evidence (state, uploaded_at);
-- The uploaded evidence files; seed evidence from catalog/ names its document but ships no file.
CREATE TABLE conformance_evidence_files (
    evidence_id nvarchar(100) NOT NULL PRIMARY KEY REFERENCES conformance_evidence (id),
    content varbinary(max) NOT NULL
);
-- Conformance status per offering version and standard: pending, conformant, non-conformant or expired, with the reason.
CREATE TABLE conformance_status (
    offering_id nvarchar(100) NOT NULL,
    offering_version int NOT NULL,
    standard_id nvarchar(100) NOT NULL,
    standard_version nvarchar(100) NOT NULL,
    status nvarchar(100) NOT NULL,
    required bit NOT NULL,
    reason nvarchar(max) NOT NULL,
    checked_at nvarchar(100) NULL,
    valid_until nvarchar(100) NULL,
    updated_at nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- The platform's conformance policy (catalog/policies/conformance.yaml): standards required of all offerings, per Themenfeld or per Leistung.
CREATE TABLE required_standards (
    scope nvarchar(100) NOT NULL,
    scope_id nvarchar(100) NOT NULL,
    standard_id nvarchar(100) NOT NULL REFERENCES standards (id),
    reason nvarchar(max) NOT NULL,
    PRIMARY KEY (scope, scope_id, standard_id)
);
-- Notifications for vendors and municipalities; dedupe_key makes a job that runs twice notify once.
CREATE TABLE notifications (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    recipient_type nvarchar(100) NOT NULL,
    recipient_id nvarchar(100) NOT NULL,
    kind nvarchar(100) NOT NULL,
    offering_id nvarchar(100) NULL,
    standard_id nvarchar(100) NULL,
    subject nvarchar(400) NOT NULL,
    body nvarchar(max) NOT NULL,
    created_at nvarchar(100) NOT NULL,
    read_at nvarchar(100) NULL,
    dedupe_key nvarchar(400) NOT NULL UNIQUE
);
CREATE INDEX ix_notifications_recipient ON notifications (recipient_type, recipient_id, created_at);
-- One row per day the conformance job ran; the primary key lets exactly one instance run it each day.
CREATE TABLE conformance_job_runs (
    run_on nvarchar(100) NOT NULL PRIMARY KEY,
    started_at nvarchar(100) NOT NULL,
    finished_at nvarchar(100) NULL,
    summary nvarchar(max) NULL
);
