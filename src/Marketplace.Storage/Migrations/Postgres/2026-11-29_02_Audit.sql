-- The platform's audit trail: append-only, each entry chained to the previous one by a keyed hash.
-- seq is assigned from audit_head (not an identity column) so the chain has no gaps by construction.
CREATE TABLE audit_log (
    seq bigint NOT NULL PRIMARY KEY,
    occurred_at text NOT NULL,
    actor_user_id text NOT NULL,
    actor_org_id text NULL,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text NOT NULL,
    before_json text NULL,
    after_json text NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX ix_audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_user_id);
CREATE INDEX ix_audit_log_org ON audit_log (actor_org_id);
CREATE INDEX ix_audit_log_time ON audit_log (occurred_at);
CREATE TABLE audit_head (
    id integer NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    last_hash text NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
