-- Service bindings of a subscription (OSB bindings): credentials a municipality's Fachverfahren uses to reach the
-- vendor's instance. Credentials are encrypted (Data Protection) and handed out once (credentials_revealed_at);
-- replaces_binding_id names the binding a rotation replaces, deleted once the new one is active.
CREATE TABLE subscription_bindings (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    subscription_id nvarchar(100) NOT NULL REFERENCES subscriptions (id),
    name nvarchar(200) NOT NULL,
    state nvarchar(100) NOT NULL,
    credentials_protected nvarchar(max) NULL,
    credentials_revealed_at nvarchar(100) NULL,
    replaces_binding_id nvarchar(100) NULL,
    failure_reason nvarchar(max) NULL,
    created_by nvarchar(100) NOT NULL,
    created_at nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    deleted_at nvarchar(100) NULL
);
CREATE INDEX ix_subscription_bindings_subscription ON subscription_bindings (subscription_id, state);
