-- Catalogue: reference data, standards, vendors, offerings with plans, bundles, municipalities.
-- Every entity imported from catalog/ keeps the hash of its descriptor so a re-import changes nothing.
CREATE TABLE laender (
    code nvarchar(100) NOT NULL PRIMARY KEY,
    abbreviation nvarchar(100) NOT NULL UNIQUE,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE themenfelder (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE lebenslagen (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    themenfeld_id nvarchar(100) NOT NULL REFERENCES themenfelder (id),
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE leistungen (
    ozg_id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    themenfeld_id nvarchar(100) NOT NULL REFERENCES themenfelder (id),
    description nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE leistung_lebenslagen (
    ozg_id nvarchar(100) NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE,
    lebenslage_id nvarchar(100) NOT NULL REFERENCES lebenslagen (id),
    PRIMARY KEY (ozg_id, lebenslage_id)
);
CREATE TABLE leistung_leika_keys (
    leika_key nvarchar(100) NOT NULL PRIMARY KEY,
    ozg_id nvarchar(100) NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE
);
CREATE TABLE standards (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    publisher nvarchar(400) NOT NULL,
    url nvarchar(400) NOT NULL,
    category nvarchar(100) NOT NULL,
    description nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE standard_versions (
    standard_id nvarchar(100) NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    version nvarchar(100) NOT NULL,
    published_on nvarchar(100) NOT NULL,
    grace_period_days int NOT NULL,
    PRIMARY KEY (standard_id, version)
);
CREATE TABLE standard_criteria (
    standard_id nvarchar(100) NOT NULL,
    version nvarchar(100) NOT NULL,
    criterion_id nvarchar(100) NOT NULL,
    position int NOT NULL,
    title nvarchar(400) NOT NULL,
    description nvarchar(max) NOT NULL,
    kind nvarchar(100) NOT NULL,
    definition_json nvarchar(max) NOT NULL,
    PRIMARY KEY (standard_id, version, criterion_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version) ON DELETE CASCADE
);
CREATE TABLE vendors (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    short_name nvarchar(100) NOT NULL,
    vat_id nvarchar(100) NOT NULL,
    website nvarchar(400) NOT NULL,
    description nvarchar(max) NOT NULL,
    document_json nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE offerings (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    vendor_id nvarchar(100) NOT NULL REFERENCES vendors (id),
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    summary nvarchar(max) NOT NULL,
    reifegrad int NOT NULL,
    hosting_location nvarchar(100) NOT NULL,
    provisioning_type nvarchar(100) NOT NULL,
    price_from_cents bigint NOT NULL,
    document_json nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE INDEX ix_offerings_vendor ON offerings (vendor_id);
CREATE TABLE offering_leistungen (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    ozg_id nvarchar(100) NOT NULL REFERENCES leistungen (ozg_id),
    PRIMARY KEY (offering_id, ozg_id)
);
CREATE INDEX ix_offering_leistungen_ozg ON offering_leistungen (ozg_id);
CREATE TABLE offering_laender (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    land_code nvarchar(100) NOT NULL REFERENCES laender (code),
    PRIMARY KEY (offering_id, land_code)
);
CREATE TABLE offering_standards (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id nvarchar(100) NOT NULL,
    version nvarchar(100) NOT NULL,
    PRIMARY KEY (offering_id, standard_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version)
);
CREATE TABLE plans (
    offering_id nvarchar(100) NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    plan_id nvarchar(100) NOT NULL,
    position int NOT NULL,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    funder nvarchar(400) NOT NULL,
    list_value_cents_per_month bigint NOT NULL,
    PRIMARY KEY (offering_id, plan_id)
);
CREATE TABLE plan_extras (
    offering_id nvarchar(100) NOT NULL,
    plan_id nvarchar(100) NOT NULL,
    extra_id nvarchar(100) NOT NULL,
    kind nvarchar(100) NOT NULL,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    billing_interval nvarchar(100) NULL,
    price_cents bigint NULL,
    unit nvarchar(100) NULL,
    included_per_month int NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id),
    FOREIGN KEY (offering_id, plan_id) REFERENCES plans (offering_id, plan_id) ON DELETE CASCADE
);
CREATE TABLE plan_extra_tiers (
    offering_id nvarchar(100) NOT NULL,
    plan_id nvarchar(100) NOT NULL,
    extra_id nvarchar(100) NOT NULL,
    tier_no int NOT NULL,
    up_to bigint NULL,
    unit_price_cents bigint NOT NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id, tier_no),
    FOREIGN KEY (offering_id, plan_id, extra_id) REFERENCES plan_extras (offering_id, plan_id, extra_id) ON DELETE CASCADE
);
CREATE TABLE bundles (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    name nvarchar(400) NOT NULL,
    name_en nvarchar(400) NOT NULL,
    lebenslage_id nvarchar(100) NOT NULL REFERENCES lebenslagen (id),
    description nvarchar(max) NOT NULL,
    content_hash nvarchar(100) NOT NULL
);
CREATE TABLE bundle_leistungen (
    bundle_id nvarchar(100) NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
    ozg_id nvarchar(100) NOT NULL REFERENCES leistungen (ozg_id),
    position int NOT NULL,
    PRIMARY KEY (bundle_id, ozg_id)
);
-- Regional units of the Destatis directory above the municipality (Satzart 10 to 50), keyed by their regional key.
CREATE TABLE regional_units (
    regional_key nvarchar(100) NOT NULL PRIMARY KEY,
    satzart int NOT NULL,
    name nvarchar(400) NOT NULL
);
CREATE TABLE municipalities (
    ags nvarchar(100) NOT NULL PRIMARY KEY,
    ars nvarchar(100) NOT NULL UNIQUE,
    name nvarchar(400) NOT NULL,
    land_code nvarchar(100) NOT NULL REFERENCES laender (code),
    kreis_key nvarchar(100) NOT NULL,
    population int NOT NULL,
    postal_code nvarchar(100) NOT NULL
);
CREATE INDEX ix_municipalities_land ON municipalities (land_code);
-- One counter a catalogue change bumps: every instance rebuilds its search index and ETags from it.
CREATE TABLE catalog_state (
    id int NOT NULL PRIMARY KEY,
    revision bigint NOT NULL
);
INSERT INTO catalog_state (id, revision) VALUES (1, 0);
