-- A municipality's data policy (which offerings fit where its data may live), set by its buyer-admin, and the policy a
-- bundling organisation recommends to the municipalities that delegate to it.
CREATE TABLE municipality_data_policies (
    municipality_ags text NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    only_germany boolean NOT NULL,
    only_own_land boolean NOT NULL,
    public_operators_only boolean NOT NULL,
    no_third_country_access boolean NOT NULL,
    updated_at text NOT NULL,
    updated_by text NOT NULL
);
CREATE TABLE bundler_data_policy_recommendations (
    organisation_id text NOT NULL PRIMARY KEY REFERENCES organisations (id),
    only_germany boolean NOT NULL,
    only_own_land boolean NOT NULL,
    public_operators_only boolean NOT NULL,
    no_third_country_access boolean NOT NULL,
    updated_at text NOT NULL,
    updated_by text NOT NULL
);
