-- The platform's audit trail: append-only, each entry chained to the previous one by a keyed hash.
-- seq is assigned from audit_head (not an identity column) so the chain has no gaps by construction.
CREATE TABLE audit_log (
    seq bigint NOT NULL PRIMARY KEY,
    occurred_at nvarchar(200) NOT NULL,
    actor_user_id nvarchar(200) NOT NULL,
    actor_org_id nvarchar(200) NULL,
    action nvarchar(200) NOT NULL,
    object_type nvarchar(200) NOT NULL,
    object_id nvarchar(200) NOT NULL,
    before_json nvarchar(max) NULL,
    after_json nvarchar(max) NULL,
    prev_hash nvarchar(200) NOT NULL,
    hash nvarchar(200) NOT NULL
);
CREATE INDEX ix_audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_user_id);
CREATE INDEX ix_audit_log_org ON audit_log (actor_org_id);
CREATE INDEX ix_audit_log_time ON audit_log (occurred_at);
CREATE TABLE audit_head (
    id int NOT NULL PRIMARY KEY,
    last_seq bigint NOT NULL,
    last_hash nvarchar(200) NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
