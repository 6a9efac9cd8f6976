-- A vendor's connections to its Open Service Brokers: URL and authentication, secrets encrypted (Data Protection).
-- next_secret_protected holds a rotated secret until a successful check promotes it; both are tried meanwhile.
CREATE TABLE broker_connections (
    id text NOT NULL PRIMARY KEY,
    vendor_id text NOT NULL REFERENCES vendors (id),
    name text NOT NULL,
    broker_url text NOT NULL,
    auth_kind text NOT NULL,
    username text NULL,
    secret_protected text NULL,
    next_secret_protected text NULL,
    token_url text NULL,
    scope text NULL,
    last_checked_at text NULL,
    last_check_passed integer NULL,
    last_check_findings text NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    UNIQUE (vendor_id, name)
);
