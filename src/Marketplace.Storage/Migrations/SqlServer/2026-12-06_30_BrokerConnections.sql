-- A vendor's connections to its Open Service Brokers: URL and authentication, secrets encrypted (Data Protection).
-- next_secret_protected holds a rotated secret until a successful check promotes it; both are tried meanwhile.
CREATE TABLE broker_connections (
    id nvarchar(100) NOT NULL PRIMARY KEY,
    vendor_id nvarchar(100) NOT NULL REFERENCES vendors (id),
    name nvarchar(100) NOT NULL,
    broker_url nvarchar(2000) NOT NULL,
    auth_kind nvarchar(100) NOT NULL,
    username nvarchar(400) NULL,
    secret_protected nvarchar(max) NULL,
    next_secret_protected nvarchar(max) NULL,
    token_url nvarchar(2000) NULL,
    scope nvarchar(1000) NULL,
    last_checked_at nvarchar(100) NULL,
    last_check_passed int NULL,
    last_check_findings nvarchar(max) NULL,
    created_at nvarchar(100) NOT NULL,
    updated_at nvarchar(100) NOT NULL,
    CONSTRAINT uq_broker_connections_vendor_name UNIQUE (vendor_id, name)
);
