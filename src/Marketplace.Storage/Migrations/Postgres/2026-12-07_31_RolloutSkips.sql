-- The municipalities a rollout left out and why (already subscribed, or its data policy excludes the offering), so that the
-- bundling organisation sees them on the rollout's page; violations_json lists the policy rules the offering misses.
CREATE TABLE rollout_skips (
    rollout_id text NOT NULL REFERENCES rollouts (id),
    municipality_ags text NOT NULL REFERENCES municipalities (ags),
    code text NOT NULL,
    reason text NOT NULL,
    violations_json text NULL,
    PRIMARY KEY (rollout_id, municipality_ags)
);
