-- Measured availability of offerings against their promised SLA. The prober asks each offering's public status URL
-- once per interval; availability_rounds lets exactly one instance run each interval's round (its primary key is the
-- interval's start). Raw results are kept for a few weeks; availability_days counts every probe of a UTC day and is
-- what 30/90-day figures and monthly SLA evaluations read. Timestamps are ISO-8601 UTC text, days YYYY-MM-DD.
CREATE TABLE availability_probes (
    offering_id text NOT NULL,
    probed_at text NOT NULL,
    up integer NOT NULL,
    latency_ms integer NULL,
    status_code integer NULL,
    error text NULL,
    PRIMARY KEY (offering_id, probed_at)
);
CREATE INDEX ix_availability_probes_probed_at ON availability_probes (probed_at);
CREATE TABLE availability_days (
    offering_id text NOT NULL,
    day text NOT NULL,
    probes integer NOT NULL,
    up_probes integer NOT NULL,
    PRIMARY KEY (offering_id, day)
);
CREATE TABLE availability_rounds (
    slot text NOT NULL PRIMARY KEY,
    claimed_by text NOT NULL,
    claimed_at text NOT NULL,
    finished_at text NULL,
    probed integer NULL
);
-- A calendar month in which an offering's measured availability fell below its promised SLA: flagged once (the key),
-- finding = 1 when the conformance policy makes such a breach a conformance finding. Percentages in hundredths of a percent.
CREATE TABLE availability_breaches (
    offering_id text NOT NULL,
    month text NOT NULL,
    promised_basis_points integer NOT NULL,
    measured_basis_points integer NOT NULL,
    probes integer NOT NULL,
    finding integer NOT NULL,
    flagged_at text NOT NULL,
    PRIMARY KEY (offering_id, month)
);
-- One row per month the breach evaluation ran.
CREATE TABLE availability_evaluations (
    month text NOT NULL PRIMARY KEY,
    evaluated_at text NOT NULL,
    breaches integer NOT NULL
);
