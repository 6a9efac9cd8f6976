-- Community: municipalities' ratings of offerings, feature requests to vendors and their supporters.
-- Timestamps are ISO-8601 UTC TEXT of fixed width, as in 2026-11-29_03.
-- One rating per municipality and offering; a new rating replaces the old one (rated_at is the latest).
CREATE TABLE offering_ratings (
    offering_id text NOT NULL REFERENCES offerings (id),
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    stars integer NOT NULL,
    comment text NULL,
    rated_by text NOT NULL,
    rated_at text NOT NULL,
    PRIMARY KEY (offering_id, municipality_ags)
);
-- A municipality's request to the vendor of an offering; the vendor answers and sets the status.
CREATE TABLE feature_requests (
    id text NOT NULL PRIMARY KEY,
    offering_id text NOT NULL REFERENCES offerings (id),
    vendor_id text NOT NULL REFERENCES vendors (id),
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    title text NOT NULL,
    body text NOT NULL,
    status text NOT NULL,
    answer text NULL,
    answered_by text NULL,
    answered_at text NULL,
    created_by text NOT NULL,
    created_at text NOT NULL
);
CREATE INDEX ix_feature_requests_offering ON feature_requests (offering_id);
CREATE INDEX ix_feature_requests_vendor ON feature_requests (vendor_id);
-- One support per municipality and request; the requesting municipality supports its own request from the start.
CREATE TABLE feature_request_supports (
    request_id text NOT NULL REFERENCES feature_requests (id),
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    supported_by text NOT NULL,
    supported_at text NOT NULL,
    PRIMARY KEY (request_id, municipality_ags)
);
