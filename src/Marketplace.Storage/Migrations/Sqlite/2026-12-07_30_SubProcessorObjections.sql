-- A municipality's objection (Art. 28(2) GDPR) to an announced change of an offering's sub-processors, made by its
-- buyer-admin within the objection period; one per municipality and offering version.
CREATE TABLE subprocessor_objections (
    id TEXT NOT NULL PRIMARY KEY,
    offering_id TEXT NOT NULL REFERENCES offerings (id),
    version INTEGER NOT NULL,
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    reason TEXT NOT NULL,
    effective_at TEXT NOT NULL,
    objected_by TEXT NOT NULL,
    objected_at TEXT NOT NULL,
    UNIQUE (offering_id, version, municipality_ags)
);
CREATE INDEX ix_subprocessor_objections_municipality ON subprocessor_objections (municipality_ags, offering_id);
