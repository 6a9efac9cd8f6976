-- Service bindings of a subscription (OSB bindings): credentials a municipality's Fachverfahren uses to reach the
-- vendor's instance. Credentials are encrypted (Data Protection) and handed out once (credentials_revealed_at);
-- replaces_binding_id names the binding a rotation replaces, deleted once the new one is active.
CREATE TABLE subscription_bindings (
    id TEXT NOT NULL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    credentials_protected TEXT NULL,
    credentials_revealed_at TEXT NULL,
    replaces_binding_id TEXT NULL,
    failure_reason TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT NULL
);
CREATE INDEX ix_subscription_bindings_subscription ON subscription_bindings (subscription_id, state);
