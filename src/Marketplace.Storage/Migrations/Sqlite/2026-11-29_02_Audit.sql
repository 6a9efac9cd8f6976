-- The platform's audit trail: append-only, each entry chained to the previous one by a keyed hash.
-- seq is assigned from audit_head (not an identity column) so the chain has no gaps by construction.
CREATE TABLE audit_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor_user_id TEXT NOT NULL,
    actor_org_id TEXT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT NULL,
    after_json TEXT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_user_id);
CREATE INDEX ix_audit_log_org ON audit_log (actor_org_id);
CREATE INDEX ix_audit_log_time ON audit_log (occurred_at);
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
