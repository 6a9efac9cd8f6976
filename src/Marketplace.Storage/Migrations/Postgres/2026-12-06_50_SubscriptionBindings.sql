-- Service bindings of a subscription (OSB bindings): credentials a municipality's Fachverfahren uses to reach the
-- vendor's instance. Credentials are encrypted (Data Protection) and handed out once (credentials_revealed_at);
-- replaces_binding_id names the binding a rotation replaces, deleted once the new one is active.
CREATE TABLE subscription_bindings (
    id text NOT NULL PRIMARY KEY,
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    name text NOT NULL,
    state text NOT NULL,
    credentials_protected text NULL,
    credentials_revealed_at text NULL,
    replaces_binding_id text NULL,
    failure_reason text NULL,
    created_by text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    deleted_at text NULL
);
CREATE INDEX ix_subscription_bindings_subscription ON subscription_bindings (subscription_id, state);
