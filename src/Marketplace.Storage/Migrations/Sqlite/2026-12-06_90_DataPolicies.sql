-- A municipality's data policy (which offerings fit where its data may live), set by its buyer-admin, and the policy a
-- bundling organisation recommends to the municipalities that delegate to it.
CREATE TABLE municipality_data_policies (
    municipality_ags TEXT NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    only_germany INTEGER NOT NULL,
    only_own_land INTEGER NOT NULL,
    public_operators_only INTEGER NOT NULL,
    no_third_country_access INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE bundler_data_policy_recommendations (
    organisation_id TEXT NOT NULL PRIMARY KEY REFERENCES organisations (id),
    only_germany INTEGER NOT NULL,
    only_own_land INTEGER NOT NULL,
    public_operators_only INTEGER NOT NULL,
    no_third_country_access INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
