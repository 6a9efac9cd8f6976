-- A vendor's connections to its Open Service Brokers: URL and authentication, secrets encrypted (Data Protection).
-- next_secret_protected holds a rotated secret until a successful check promotes it; both are tried meanwhile.
CREATE TABLE broker_connections (
    id TEXT NOT NULL PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES vendors (id),
    name TEXT NOT NULL,
    broker_url TEXT NOT NULL,
    auth_kind TEXT NOT NULL,
    username TEXT NULL,
    secret_protected TEXT NULL,
    next_secret_protected TEXT NULL,
    token_url TEXT NULL,
    scope TEXT NULL,
    last_checked_at TEXT NULL,
    last_check_passed INTEGER NULL,
    last_check_findings TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (vendor_id, name)
);
