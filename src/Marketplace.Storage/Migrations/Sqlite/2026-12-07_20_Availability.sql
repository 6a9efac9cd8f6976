-- Measured availability of offerings against their promised SLA. The prober asks each offering's public status URL
-- once per interval; availability_rounds lets exactly one instance run each interval's round (its primary key is the
-- interval's start). Raw results are kept for a few weeks; availability_days counts every probe of a UTC day and is
-- what 30/90-day figures and monthly SLA evaluations read. Timestamps are ISO-8601 UTC text, days YYYY-MM-DD.
CREATE TABLE availability_probes (
    offering_id TEXT NOT NULL,
    probed_at TEXT NOT NULL,
    up INTEGER NOT NULL,
    latency_ms INTEGER NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    PRIMARY KEY (offering_id, probed_at)
);
CREATE INDEX ix_availability_probes_probed_at ON availability_probes (probed_at);
CREATE TABLE availability_days (
    offering_id TEXT NOT NULL,
    day TEXT NOT NULL,
    probes INTEGER NOT NULL,
    up_probes INTEGER NOT NULL,
    PRIMARY KEY (offering_id, day)
);
CREATE TABLE availability_rounds (
    slot TEXT NOT NULL PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    finished_at TEXT NULL,
    probed INTEGER NULL
);
-- A calendar month in which an offering's measured availability fell below its promised SLA: flagged once (the key),
-- finding = 1 when the conformance policy makes such a breach a conformance finding. Percentages in hundredths of a percent.
CREATE TABLE availability_breaches (
    offering_id TEXT NOT NULL,
    month TEXT NOT NULL,
    promised_basis_points INTEGER NOT NULL,
    measured_basis_points INTEGER NOT NULL,
    probes INTEGER NOT NULL,
    finding INTEGER NOT NULL,
    flagged_at TEXT NOT NULL,
    PRIMARY KEY (offering_id, month)
);
-- One row per month the breach evaluation ran.
CREATE TABLE availability_evaluations (
    month TEXT NOT NULL PRIMARY KEY,
    evaluated_at TEXT NOT NULL,
    breaches INTEGER NOT NULL
);
