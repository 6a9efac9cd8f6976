-- Catalogue: reference data, standards, vendors, offerings with plans, bundles, municipalities.
-- Every entity imported from catalog/ keeps the hash of its descriptor so a re-import changes nothing.
CREATE TABLE laender (
    code text NOT NULL PRIMARY KEY,
    abbreviation text NOT NULL UNIQUE,
    name text NOT NULL,
    name_en text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE themenfelder (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE lebenslagen (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    themenfeld_id text NOT NULL REFERENCES themenfelder (id),
    content_hash text NOT NULL
);
CREATE TABLE leistungen (
    ozg_id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    themenfeld_id text NOT NULL REFERENCES themenfelder (id),
    description text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE leistung_lebenslagen (
    ozg_id text NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE,
    lebenslage_id text NOT NULL REFERENCES lebenslagen (id),
    PRIMARY KEY (ozg_id, lebenslage_id)
);
CREATE TABLE leistung_leika_keys (
    leika_key text NOT NULL PRIMARY KEY,
    ozg_id text NOT NULL REFERENCES leistungen (ozg_id) ON DELETE CASCADE
);
CREATE TABLE standards (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    publisher text NOT NULL,
    url text NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE standard_versions (
    standard_id text NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    version text NOT NULL,
    published_on text NOT NULL,
    grace_period_days integer NOT NULL,
    PRIMARY KEY (standard_id, version)
);
CREATE TABLE standard_criteria (
    standard_id text NOT NULL,
    version text NOT NULL,
    criterion_id text NOT NULL,
    position integer NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    kind text NOT NULL,
    definition_json text NOT NULL,
    PRIMARY KEY (standard_id, version, criterion_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version) ON DELETE CASCADE
);
CREATE TABLE vendors (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    short_name text NOT NULL,
    vat_id text NOT NULL,
    website text NOT NULL,
    description text NOT NULL,
    document_json text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE offerings (
    id text NOT NULL PRIMARY KEY,
    vendor_id text NOT NULL REFERENCES vendors (id),
    name text NOT NULL,
    name_en text NOT NULL,
    summary text NOT NULL,
    reifegrad integer NOT NULL,
    hosting_location text NOT NULL,
    provisioning_type text NOT NULL,
    price_from_cents bigint NOT NULL,
    document_json text NOT NULL,
    content_hash text NOT NULL
);
CREATE INDEX ix_offerings_vendor ON offerings (vendor_id);
CREATE TABLE offering_leistungen (
    offering_id text NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    ozg_id text NOT NULL REFERENCES leistungen (ozg_id),
    PRIMARY KEY (offering_id, ozg_id)
);
CREATE INDEX ix_offering_leistungen_ozg ON offering_leistungen (ozg_id);
CREATE TABLE offering_laender (
    offering_id text NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    land_code text NOT NULL REFERENCES laender (code),
    PRIMARY KEY (offering_id, land_code)
);
CREATE TABLE offering_standards (
    offering_id text NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    standard_id text NOT NULL,
    version text NOT NULL,
    PRIMARY KEY (offering_id, standard_id),
    FOREIGN KEY (standard_id, version) REFERENCES standard_versions (standard_id, version)
);
CREATE TABLE plans (
    offering_id text NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    plan_id text NOT NULL,
    position integer NOT NULL,
    name text NOT NULL,
    name_en text NOT NULL,
    funder text NOT NULL,
    list_value_cents_per_month bigint NOT NULL,
    PRIMARY KEY (offering_id, plan_id)
);
CREATE TABLE plan_extras (
    offering_id text NOT NULL,
    plan_id text NOT NULL,
    extra_id text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    name_en text NOT NULL,
    billing_interval text NULL,
    price_cents bigint NULL,
    unit text NULL,
    included_per_month integer NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id),
    FOREIGN KEY (offering_id, plan_id) REFERENCES plans (offering_id, plan_id) ON DELETE CASCADE
);
CREATE TABLE plan_extra_tiers (
    offering_id text NOT NULL,
    plan_id text NOT NULL,
    extra_id text NOT NULL,
    tier_no integer NOT NULL,
    up_to bigint NULL,
    unit_price_cents bigint NOT NULL,
    PRIMARY KEY (offering_id, plan_id, extra_id, tier_no),
    FOREIGN KEY (offering_id, plan_id, extra_id) REFERENCES plan_extras (offering_id, plan_id, extra_id) ON DELETE CASCADE
);
CREATE TABLE bundles (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    name_en text NOT NULL,
    lebenslage_id text NOT NULL REFERENCES lebenslagen (id),
    description text NOT NULL,
    content_hash text NOT NULL
);
CREATE TABLE bundle_leistungen (
    bundle_id text NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
    ozg_id text NOT NULL REFERENCES leistungen (ozg_id),
    position integer NOT NULL,
    PRIMARY KEY (bundle_id, ozg_id)
);
-- Regional units of the Destatis directory above the municipality (Satzart 10 to 50), keyed by their regional key.
CREATE TABLE regional_units (
    regional_key text NOT NULL PRIMARY KEY,
    satzart integer NOT NULL,
    name text NOT NULL
);
CREATE TABLE municipalities (
    ags text NOT NULL PRIMARY KEY,
    ars text NOT NULL UNIQUE,
    name text NOT NULL,
    land_code text NOT NULL REFERENCES laender (code),
    kreis_key text NOT NULL,
    population integer NOT NULL,
    postal_code text NOT NULL
);
CREATE INDEX ix_municipalities_land ON municipalities (land_code);
-- One counter a catalogue change bumps: every instance rebuilds its search index and ETags from it.
CREATE TABLE catalog_state (
    id integer NOT NULL PRIMARY KEY,
    revision bigint NOT NULL
);
INSERT INTO catalog_state (id, revision) VALUES (1, 0);
