-- Notifications per user (in-app list and e-mail outbox), each user's choices, saved catalogue searches, and the
-- notifier's cursor into the audit trail. Timestamps are ISO-8601 UTC text on every engine.
-- One row per user and event; source_key names the event (audit entry or saved-search match) so it is never notified twice.
CREATE TABLE user_notifications (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    municipality_ags TEXT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    params_json TEXT NOT NULL,
    source_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT NULL,
    CONSTRAINT uq_user_notifications_source UNIQUE (user_id, source_key)
);
CREATE INDEX ix_user_notifications_user ON user_notifications (user_id, created_at);
-- E-mails to send, written in the same transaction as the notification (also when the in-app list is switched off);
-- the sender claims a row for a while, sends it and marks it sent.
CREATE TABLE notification_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    municipality_ags TEXT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    params_json TEXT NOT NULL,
    source_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    claimed_until TEXT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NULL,
    sent_at TEXT NULL,
    CONSTRAINT uq_notification_outbox_source UNIQUE (user_id, source_key)
);
CREATE INDEX ix_notification_outbox_pending ON notification_outbox (sent_at, created_at);
-- A user's choice per category; no row means both channels on.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL,
    category TEXT NOT NULL,
    in_app INTEGER NOT NULL,
    email INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
);
-- The language a user's e-mails are written in; no row means German.
CREATE TABLE notification_settings (
    user_id TEXT NOT NULL PRIMARY KEY,
    language TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE saved_searches (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_saved_searches_user ON saved_searches (user_id);
-- Offerings a saved search has matched: those present when it was saved are not notified, later ones once.
CREATE TABLE saved_search_matches (
    saved_search_id TEXT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    offering_id TEXT NOT NULL,
    matched_at TEXT NOT NULL,
    PRIMARY KEY (saved_search_id, offering_id)
);
-- The notifier's single row: the last audit entry it processed and the catalogue revision saved searches were checked at.
-- It starts at the audit head of the moment of migration, so history before it is not notified.
CREATE TABLE notifier_state (
    id INTEGER NOT NULL PRIMARY KEY,
    audit_seq INTEGER NOT NULL,
    catalog_revision INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO notifier_state (id, audit_seq, catalog_revision, updated_at) SELECT 1, last_seq, -1, '1970-01-01T00:00:00.0000000Z' FROM audit_head WHERE id = 1;
