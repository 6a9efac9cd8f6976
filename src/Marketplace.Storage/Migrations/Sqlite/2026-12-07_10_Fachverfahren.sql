-- Fit to the back office: the interface standards Fachverfahren receive and the Fachverfahren products per area
-- (reference data from catalog/schnittstellen and catalog/fachverfahren, imported like the rest of the catalogue),
-- and which product and version each municipality runs per area (its buyer-admin records them).
CREATE TABLE backoffice_interfaces (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    document_json TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE fachverfahren_areas (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    document_json TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE municipality_fachverfahren (
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    area_id TEXT NOT NULL REFERENCES fachverfahren_areas (id),
    product_id TEXT NOT NULL,
    product_version TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (municipality_ags, area_id)
);
