-- Which bundling organisation speaks for a Land: only it (or the Land's own organisation, a bundler of type "land" in that
-- Land) sets the Land's bundler defaults. A platform-admin sets the designation; one organisation per Land.
CREATE TABLE land_designations (
    land_code TEXT NOT NULL PRIMARY KEY REFERENCES laender (code),
    organisation_id TEXT NOT NULL,
    designated_by TEXT NOT NULL,
    designated_at TEXT NOT NULL
);
