-- The municipalities a rollout left out and why (already subscribed, or its data policy excludes the offering), so that the
-- bundling organisation sees them on the rollout's page; violations_json lists the policy rules the offering misses.
CREATE TABLE rollout_skips (
    rollout_id nvarchar(100) NOT NULL REFERENCES rollouts (id),
    municipality_ags nvarchar(100) NOT NULL REFERENCES municipalities (ags),
    code nvarchar(100) NOT NULL,
    reason nvarchar(max) NOT NULL,
    violations_json nvarchar(max) NULL,
    PRIMARY KEY (rollout_id, municipality_ags)
);
