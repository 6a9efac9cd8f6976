-- A municipality's objection (Art. 28(2) GDPR) to an announced change of an offering's sub-processors, made by its
-- buyer-admin within the objection period; one per municipality and offering version.
CREATE TABLE subprocessor_objections (
    id text NOT NULL PRIMARY KEY,
    offering_id text NOT NULL REFERENCES offerings (id),
    version integer NOT NULL,
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    reason text NOT NULL,
    effective_at text NOT NULL,
    objected_by text NOT NULL,
    objected_at text NOT NULL,
    UNIQUE (offering_id, version, municipality_ags)
);
CREATE INDEX ix_subprocessor_objections_municipality ON subprocessor_objections (municipality_ags, offering_id);
