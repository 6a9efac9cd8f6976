-- The municipalities a rollout left out and why (already subscribed, or its data policy excludes the offering), so that the
-- bundling organisation sees them on the rollout's page; violations_json lists the policy rules the offering misses.
CREATE TABLE rollout_skips (
    rollout_id TEXT NOT NULL REFERENCES rollouts (id),
    municipality_ags TEXT NOT NULL REFERENCES municipalities (ags),
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    violations_json TEXT NULL,
    PRIMARY KEY (rollout_id, municipality_ags)
);
