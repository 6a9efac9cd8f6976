-- A municipality's data policy (which offerings fit where its data may live), set by its buyer-admin, and the policy a
-- bundling organisation recommends to the municipalities that delegate to it.
CREATE TABLE municipality_data_policies (
    municipality_ags nvarchar(100) NOT NULL PRIMARY KEY REFERENCES municipalities (ags),
    only_germany bit NOT NULL,
    only_own_land bit NOT NULL,
    public_operators_only bit NOT NULL,
    no_third_country_access bit NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    updated_by nvarchar(100) NOT NULL
);
CREATE TABLE bundler_data_policy_recommendations (
    organisation_id nvarchar(100) NOT NULL PRIMARY KEY REFERENCES organisations (id),
    only_germany bit NOT NULL,
    only_own_land bit NOT NULL,
    public_operators_only bit NOT NULL,
    no_third_country_access bit NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    updated_by nvarchar(100) NOT NULL
);
