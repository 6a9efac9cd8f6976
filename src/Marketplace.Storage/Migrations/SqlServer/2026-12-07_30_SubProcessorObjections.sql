-- A municipality's objection (Art. 28(2) GDPR) to an announced change of an offering's sub-processors, made by its
-- buyer-admin within the objection period; one per municipality and offering version.
CREATE TABLE subprocessor_objections (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id),
    version int NOT NULL,
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    reason nvarchar(max) NOT NULL,
    effective_at nvarchar(100) NOT NULL,
    objected_by nvarchar(100) NOT NULL,
    objected_at nvarchar(100) NOT NULL,
    UNIQUE (offering_id, version, municipality_ags)
);
CREATE INDEX ix_subprocessor_objections_municipality ON subprocessor_objections (municipality_ags, offering_id);
