-- Community: municipalities' ratings of offerings, feature requests to vendors and their supporters.
-- Timestamps are ISO-8601 UTC text of fixed width, as in 2026-11-29_03.
-- One rating per municipality and offering; a new rating replaces the old one (rated_at is the latest).
CREATE TABLE offering_ratings (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    stars int NOT NULL,
    comment nvarchar(max) NULL,
    rated_by nvarchar(100) NOT NULL,
    rated_at nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, municipality_ags)
);
-- A municipality's request to the vendor of an offering; the vendor answers and sets the status.
CREATE TABLE feature_requests (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    vendor_id nvarchar(100) NOT NULL REFERENCES vendors (id),
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    title nvarchar(400) NOT NULL,
    body nvarchar(max) NOT NULL,
    status nvarchar(100) NOT NULL,
    answer nvarchar(max) NULL,
    answered_by nvarchar(100) NULL,
    answered_at nvarchar(100) NULL,
    created_by nvarchar(100) NOT NULL,
    created_at nvarchar(100) NOT NULL
);
CREATE INDEX ix_feature_requests_offering ON feature_requests (offering_id);
CREATE INDEX ix_feature_requests_vendor ON feature_requests (vendor_id);
-- One support per municipality and request; the requesting municipality supports its own request from the start.
CREATE TABLE feature_request_supports (
    request_id nvarchar(100) NOT NULL REFERENCES feature_requests (id),
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    supported_by nvarchar(100) NOT NULL,
    supported_at nvarchar(100) NOT NULL,
    PRIMARY KEY (request_id, municipality_ags)
);
