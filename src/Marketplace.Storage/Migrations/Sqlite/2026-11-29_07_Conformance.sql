-- Vendor publishing and conformance: offering versions with their lifecycle, automated check results, attested
-- evidence with auditor decisions, conformance status, the conformance policy, notifications, and the catalogue's projection of it.
-- Timestamps are ISO-8601 UTC text on every engine, dates YYYY-MM-DD text.
-- Catalogue projection of the published version: which version the catalogue shows, and the offering's lifecycle.
CREATE TABLE offering_publication (
    offering_id TEXT NOT NULL PRIMARY KEY REFERENCES offerings (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    lifecycle TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Catalogue projection: the published version's conformance per standard, as search and pages show it.
CREATE TABLE offering_conformance (
    offering_id TEXT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    status TEXT NOT NULL,
    required INTEGER NOT NULL,
    checked_at TEXT NULL,
    PRIMARY KEY (offering_id, standard_id)
);
-- Conformance: one row per offering (drafts included), owned by its vendor; lifecycle active, deprecated or retired.
CREATE TABLE offering_heads (
    offering_id TEXT NOT NULL PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    lifecycle TEXT NOT NULL,
    published_version INTEGER NULL,
    latest_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_offering_heads_vendor ON offering_heads (vendor_id);
-- Every version of an offering: draft, submitted, approved, rejected, published, superseded. A published version is never rewritten.
CREATE TABLE offering_versions (
    offering_id TEXT NOT NULL REFERENCES offering_heads (offering_id),
    version INTEGER NOT NULL,
    vendor_id TEXT NOT NULL,
    state TEXT NOT NULL,
    origin TEXT NOT NULL,
    document_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    submitted_at TEXT NULL,
    decided_at TEXT NULL,
    decided_by TEXT NULL,
    decision_reason TEXT NULL,
    published_at TEXT NULL,
    PRIMARY KEY (offering_id, version)
);
CREATE INDEX ix_offering_versions_state ON offering_versions (state, submitted_at);
-- The latest result of each automated criterion for an offering version, with the raw evidence (e.g. the broker's answer).
CREATE TABLE conformance_checks (
    offering_id TEXT NOT NULL,
    offering_version INTEGER NOT NULL,
    standard_id TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    raw_evidence TEXT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id, standard_version, criterion_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- Evidence for attested criteria (certificates, reports, ...) per offering, and the auditor's decision on it. Dates are YYYY-MM-DD.
CREATE TABLE conformance_evidence (
    id TEXT NOT NULL PRIMARY KEY,
    offering_id TEXT NOT NULL REFERENCES offering_heads (offering_id),
    vendor_id TEXT NOT NULL,
    standard_id TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    evidence_type TEXT NOT NULL,
    issuer TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    decided_at TEXT NULL,
    decided_by TEXT NULL,
    decision_reason TEXT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX ix_conformance_evidence_offering ON conformance_evidence (offering_id, standard_id, criterion_id);
CREATE INDEX ix_conformance_evidence_state ON conformance_evidence (state, uploaded_at);
-- The uploaded evidence files; seed evidence from catalog/ names its document but ships no file.
CREATE TABLE conformance_evidence_files (
    evidence_id TEXT NOT NULL PRIMARY KEY REFERENCES conformance_evidence (id),
    content BLOB NOT NULL
);
-- Conformance status per offering version and standard: pending, conformant, non-conformant or expired, with the reason.
CREATE TABLE conformance_status (
    offering_id TEXT NOT NULL,
    offering_version INTEGER NOT NULL,
    standard_id TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    status TEXT NOT NULL,
    required INTEGER NOT NULL,
    reason TEXT NOT NULL,
    checked_at TEXT NULL,
    valid_until TEXT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (offering_id, offering_version, standard_id),
    FOREIGN KEY (offering_id, offering_version) REFERENCES offering_versions (offering_id, version)
);
-- The platform's conformance policy (catalog/policies/conformance.yaml): standards required of all offerings, per Themenfeld or per Leistung.
CREATE TABLE required_standards (
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    standard_id TEXT NOT NULL REFERENCES standards (id),
    reason TEXT NOT NULL,
    PRIMARY KEY (scope, scope_id, standard_id)
);
-- Notifications for vendors and municipalities; dedupe_key makes a job that runs twice notify once.
CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    recipient_type TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    offering_id TEXT NULL,
    standard_id TEXT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT NULL,
    dedupe_key TEXT NOT NULL UNIQUE
);
CREATE INDEX ix_notifications_recipient ON notifications (recipient_type, recipient_id, created_at);
-- One row per day the conformance job ran; the primary key lets exactly one instance run it each day.
CREATE TABLE conformance_job_runs (
    run_on TEXT NOT NULL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    summary TEXT NULL
);
