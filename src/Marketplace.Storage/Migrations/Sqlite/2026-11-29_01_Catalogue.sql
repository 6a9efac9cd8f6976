-- Catalogue: reference data, standards, vendors, offerings with plans, bundles, municipalities.
-- Every entity imported from catalog/ keeps the hash of its descriptor so a re-import changes nothing.
CREATE TABLE laender (
    code TEXT NOT NULL PRIMARY KEY,
    abbreviation TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE themenfelder (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE lebenslagen (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    themenfeld_id TEXT NOT NULL REFERENCES themenfelder (id),
    content_hash TEXT NOT NULL
);
CREATE TABLE leistungen (
    ozg_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    themenfeld_id TEXT NOT NULL REFERENCES themenfelder (id),
    description TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE leistung_lebenslagen (
    ozg_id TEXT NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE,
    lebenslage_id TEXT NOT NULL REFERENCES lebenslagen (id),
    PRIMARY KEY (ozg_id, lebenslage_id)
);
CREATE TABLE leistung_leika_keys (
    leika_key TEXT NOT NULL PRIMARY KEY,
    ozg_id TEXT NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE
);
CREATE TABLE standards (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE standard_versions (
    standard_id TEXT NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    published_on TEXT NOT NULL,
    grace_period_days INTEGER NOT NULL,
    PRIMARY KEY (standard_id, version)
);
CREATE TABLE standard_criteria (
    standard_id TEXT NOT NULL,
    version TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    definition_json TEXT NOT NULL,
    PRIMARY KEY (standard_id, version, criterion_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version) ON DELETE CASCADE
);
CREATE TABLE vendors (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    vat_id TEXT NOT NULL,
    website TEXT NOT NULL,
    description TEXT NOT NULL,
    document_json TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE offerings (
    id TEXT NOT NULL PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    summary TEXT NOT NULL,
    reifegrad INTEGER NOT NULL,
    hosting_location TEXT NOT NULL,
    provisioning_type TEXT NOT NULL,
    price_from_cents INTEGER NOT NULL,
    document_json TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX ix_offerings_vendor ON offerings (vendor_id);
CREATE TABLE offering_leistungen (
    offering_id TEXT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    ozg_id TEXT NOT NULL REFERENCES leistungen (ozg_id),
    PRIMARY KEY (offering_id, ozg_id)
);
CREATE INDEX ix_offering_leistungen_ozg ON offering_leistungen (ozg_id);
CREATE TABLE offering_laender (
    offering_id TEXT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    land_code TEXT NOT NULL REFERENCES laender (code),
    PRIMARY KEY (offering_id, land_code)
);
CREATE TABLE offering_standards (
    offering_id TEXT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (offering_id, standard_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version)
);
CREATE TABLE plans (
    offering_id TEXT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    plan_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    funder TEXT NOT NULL,
    list_value_cents_per_month INTEGER NOT NULL,
    PRIMARY KEY (offering_id, plan_id)
);
CREATE TABLE plan_extras (
    offering_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    extra_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    billing_interval TEXT NULL,
    price_cents INTEGER NULL,
    unit TEXT NULL,
    included_per_month INTEGER NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id),
    FOREIGN KEY (offering_id, plan_id) REFERENCES plans (offering_id, plan_id) ON DELETE CASCADE
);
CREATE TABLE plan_extra_tiers (
    offering_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    extra_id TEXT NOT NULL,
    tier_no INTEGER NOT NULL,
    up_to INTEGER NULL,
    unit_price_cents INTEGER NOT NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id, tier_no),
    FOREIGN KEY (offering_id, plan_id, extra_id) REFERENCES plan_extras (offering_id, plan_id, extra_id) ON DELETE CASCADE
);
CREATE TABLE bundles (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    lebenslage_id TEXT NOT NULL REFERENCES lebenslagen (id),
    description TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE bundle_leistungen (
    bundle_id TEXT NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
    ozg_id TEXT NOT NULL REFERENCES leistungen (ozg_id),
    position INTEGER NOT NULL,
    PRIMARY KEY (bundle_id, ozg_id)
);
-- Regional units of the Destatis directory above the municipality (Satzart 10 to 50), keyed by their regional key.
CREATE TABLE regional_units (
    regional_key TEXT NOT NULL PRIMARY KEY,
    satzart INTEGER NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE municipalities (
    ags TEXT NOT NULL PRIMARY KEY,
    ars TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    land_code TEXT NOT NULL REFERENCES laender (code),
    kreis_key TEXT NOT NULL,
    population INTEGER NOT NULL,
    postal_code TEXT NOT NULL
);
CREATE INDEX ix_municipalities_land ON municipalities (land_code);
-- One counter a catalogue change bumps: every instance rebuilds its search index and ETags from it.
CREATE TABLE catalog_state (
    id INTEGER NOT NULL PRIMARY KEY,
    revision INTEGER NOT NULL
);
INSERT INTO catalog_state (id, revision) VALUES (1, 0);
