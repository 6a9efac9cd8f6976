-- Where measured availability comes from and how a missed SLA is judged: a broker connection may declare its public
-- status page (the fallback for offerings without sla.statusUrl); a breach records the offering version whose promise it
-- was judged against; the conformance policy says whether a breach is a conformance finding (imported from the catalogue).
ALTER TABLE broker_connections ADD COLUMN status_url TEXT NULL;
ALTER TABLE availability_breaches ADD COLUMN promised_version INTEGER NULL;
CREATE TABLE conformance_availability_policy (
    policy_id TEXT NOT NULL PRIMARY KEY,
    breach_is_finding INTEGER NOT NULL,
    reason TEXT NULL,
    imported_at TEXT NOT NULL
);
