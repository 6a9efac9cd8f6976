-- Fit to the back office: the interface standards Fachverfahren receive and the Fachverfahren products per area
-- (reference data from catalog/schnittstellen and catalog/fachverfahren, imported like the rest of the catalogue),
-- and which product and version each municipality runs per area (its buyer-admin records them).
CREATE TABLE backoffice_interfaces (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    document_json text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE fachverfahren_areas (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    document_json text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE municipality_fachverfahren (
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    area_id text NOT NULL REFERENCES fachverfahren_areas (id),
    product_id text NOT NULL,
    product_version text NOT NULL,
    updated_at text NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (municipality_ags, area_id)
);
