-- Fit to the back office: the interface standards Fachverfahren receive and the Fachverfahren products per area
-- (reference data from catalog/schnittstellen and catalog/fachverfahren, imported like the rest of the catalogue),
-- and which product and version each municipality runs per area (its buyer-admin records them).
CREATE TABLE backoffice_interfaces (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    document_json nvarchar(max) NOT NULL,
    content_hash nvarchar(400) NOT NULL
);
CREATE TABLE fachverfahren_areas (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    document_json nvarchar(max) NOT NULL,
    content_hash nvarchar(400) NOT NULL
);
CREATE TABLE municipality_fachverfahren (
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    area_id nvarchar(100) NOT NULL REFERENCES fachverfahren_areas (id),
    product_id nvarchar(400) NOT NULL,
    product_version nvarchar(400) NOT NULL,
    updated_at nvarchar(400) NOT NULL,
    updated_by nvarchar(400) NOT NULL,
    PRIMARY KEY (municipality_ags, area_id)
);
