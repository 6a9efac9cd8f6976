-- Measured availability of offerings against their promised SLA. The prober asks each offering's public status URL
-- once per interval; availability_rounds lets exactly one instance run each interval's round (its primary key is the
-- interval's start). Raw results are kept for a few weeks; availability_days counts every probe of a UTC day and is
-- what 30/90-day figures and monthly SLA evaluations read. Timestamps are ISO-8601 UTC text, days YYYY-MM-DD.
CREATE TABLE availability_probes (
    offering_id nvarchar(100) NOT NULL,
    probed_at nvarchar(100) NOT NULL,
    up int NOT NULL,
    latency_ms int NULL,
    status_code int NULL,
    error nvarchar(max) NULL,
    PRIMARY KEY (offering_id, probed_at)
);
CREATE INDEX ix_availability_probes_probed_at ON availability_probes (probed_at);
CREATE TABLE availability_days (
    offering_id nvarchar(100) NOT NULL,
    day nvarchar(100) NOT NULL,
    probes int NOT NULL,
    up_probes int NOT NULL,
    PRIMARY KEY (offering_id, day)
);
CREATE TABLE availability_rounds (
    slot nvarchar(100) NOT NULL PRIMARY KEY,
    claimed_by nvarchar(100) NOT NULL,
    claimed_at nvarchar(100) NOT NULL,
    finished_at nvarchar(100) NULL,
    probed int NULL
);
-- A calendar month in which an offering's measured availability fell below its promised SLA: flagged once (the key),
-- finding = 1 when the conformance policy makes such a breach a conformance finding. Percentages in hundredths of a percent.
CREATE TABLE availability_breaches (
    offering_id nvarchar(100) NOT NULL,
    month nvarchar(100) NOT NULL,
    promised_basis_points int NOT NULL,
    measured_basis_points int NOT NULL,
    probes int NOT NULL,
    finding int NOT NULL,
    flagged_at nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, month)
);
-- One row per month the breach evaluation ran.
CREATE TABLE availability_evaluations (
    month nvarchar(100) NOT NULL PRIMARY KEY,
    evaluated_at nvarchar(100) NOT NULL,
    breaches int NOT NULL
);
