-- Where measured availability comes from and how a missed SLA is judged: a broker connection may declare its public
-- status page (the fallback for offerings without sla.statusUrl); a breach records the offering version whose promise it
-- was judged against; the conformance policy says whether a breach is a conformance finding (imported from the catalogue).
ALTER TABLE broker_connections ADD status_url nvarchar(2000) NULL;
ALTER TABLE availability_breaches ADD promised_version int NULL;
CREATE TABLE conformance_availability_policy (
    policy_id nvarchar(100) NOT NULL PRIMARY KEY,
    breach_is_finding int NOT NULL,
    reason nvarchar(max) NULL,
    imported_at nvarchar(100) NOT NULL
);
