-- Vendor publishing and conformance: offering versions with their lifecycle, automated check results, attested
-- evidence with auditor decisions, conformance status, the conformance policy, notifications, and the catalogue's projection of it.
-- Timestamps are ISO-8601 UTC text on every engine, dates YYYY-MM-DD text.
-- Catalogue projection of the published version: which version the catalogue shows, and the offering's lifecycle.
CREATE TABLE offering_publication (
    offering_id text NOT NULL PRIMARY KEY REFERENCES offerings (id) ON DELETE CASCADE,
    version integer NOT NULL,
    lifecycle text NOT NULL,
    updated_at text NOT NULL
);
-- Catalogue projection: the published version's conformance per standard, as search and pages show it.
CREATE TABLE offering_conformance (
    offering_id text NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id text NOT NULL,
    standard_version text NOT NULL,
    status text NOT NULL,
    required boolean NOT NULL,
    checked_at text NULL,
    PRIMARY KEY (offering_id, standard_id)
);
-- Conformance: one row per offering (drafts included), owned by its vendor; lifecycle active, deprecated or retired.
CREATE TABLE offering_heads (
    offering_id text NOT NULL PRIMARY KEY,
    vendor_id text NOT NULL REFERENCES vendors (id),
    lifecycle text NOT NULL,
    published_version integer NULL,
    latest_version integer NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL
);
CREATE INDEX ix_offering_heads_vendor ON offering_heads (vendor_id);
-- Every version of an offering: draft, submitted, approved, rejected, published, superseded. A published version is never rewritten.
CREATE TABLE offering_versions (
    offering_id text NOT NULL REFERENCES offering_heads (offering_id),
    version integer NOT NULL,
    vendor_id text NOT NULL,
    state text NOT NULL,
    origin text NOT NULL,
    document_json text NOT NULL,
    content_hash text NOT NULL,
    created_at text NOT NULL,
    created_by text NOT NULL,
    submitted_at text NULL,
    decided_at text NULL,
    decided_by text NULL,
    decision_reason text NULL,
    published_at text NULL,
    PRIMARY KEY (offering_id, version)
);
CREATE INDEX ix_offering_versions_state ON offering_versions (state, submitted_at);
-- The latest result of each automated criterion for an offering version, with the raw evidence (e.g. the broker's answer).
CREATE TABLE conformance_checks (
    offering_id text NOT NULL,
    offering_version integer NOT NULL,
    standard_id text NOT NULL,
    standard_version text NOT NULL,
    criterion_id text NOT NULL,
    outcome text NOT NULL,
    detail text NOT NULL,
    raw_evidence text NULL,
    checked_at text NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id, standard_version, criterion_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- Evidence for attested criteria (certificates, reports, ...) per offering, and the auditor's decision on it. Dates are YYYY-MM-DD.
CREATE TABLE conformance_evidence (
    id text NOT NULL PRIMARY KEY,
    offering_id text NOT NULL REFERENCES offering_heads (offering_id),
    vendor_id text NOT NULL,
    standard_id text NOT NULL,
    standard_version text NOT NULL,
    criterion_id text NOT NULL,
    evidence_type text NOT NULL,
    issuer text NOT NULL,
    issued_on text NOT NULL,
    expires_on text NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    sha256 text NOT NULL,
    size_bytes bigint NOT NULL,
    origin text NOT NULL,
    state text NOT NULL,
    uploaded_at text NOT NULL,
    uploaded_by text NOT NULL,
    decided_at text NULL,
    decided_by text NULL,
    decision_reason text NULL,
    content_hash text NOT NULL
);
CREATE INDEX ix_conformance_evidence_offering ON conformance_evidence (offering_id, standard_id, criterion_id);
CREATE INDEX ix_conformance_evidence_state ON conformance_evidence (state, uploaded_at);
-- The uploaded evidence files; seed evidence from catalog/ names its document but ships no file.
CREATE TABLE conformance_evidence_files (
    evidence_id text NOT NULL PRIMARY KEY REFERENCES conformance_evidence (id),
    content bytea NOT NULL
);
-- Conformance status per offering version and standard: pending, conformant, non-conformant or expired, with the reason.
CREATE TABLE conformance_status (
    offering_id text NOT NULL,
    offering_version integer NOT NULL,
    standard_id text NOT NULL,
    standard_version text NOT NULL,
    status text NOT NULL,
    required boolean NOT NULL,
    reason text NOT NULL,
    checked_at text NULL,
    valid_until text NULL,
    updated_at text NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- The platform's conformance policy (catalog/policies/conformance.yaml): standards required of all offerings, per Themenfeld or per Leistung.
CREATE TABLE required_standards (
    scope text NOT NULL,
    scope_id text NOT NULL,
    standard_id text NOT NULL REFERENCES standards (id),
    reason text NOT NULL,
    PRIMARY KEY (scope, scope_id, standard_id)
);
-- Notifications for vendors and municipalities; dedupe_key makes a job that runs twice notify once.
CREATE TABLE notifications (
    id text NOT NULL PRIMARY KEY,
    recipient_type text NOT NULL,
    recipient_id text NOT NULL,
    kind text NOT NULL,
    offering_id text NULL,
    standard_id text NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at text NOT NULL,
    read_at text NULL,
    dedupe_key text NOT NULL UNIQUE
);
CREATE INDEX ix_notifications_recipient ON notifications (recipient_type, recipient_id, created_at);
-- One row per day the conformance job ran; the primary key lets exactly one instance run it each day.
CREATE TABLE conformance_job_runs (
    run_on text NOT NULL PRIMARY KEY,
    started_at text NOT NULL,
    finished_at text NULL,
    summary text NULL
);
