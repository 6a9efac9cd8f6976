namespace Marketplace.Provisioning.Broker.Connections;

/// <summary>The statements of the broker_connections table; its only reader and writer is <see cref="BrokerConnections"/>.</summary>
internal static class BrokerConnectionSql
{
    private const string Columns = """
        id, vendor_id, name, broker_url, auth_kind, username,
        secret_protected, next_secret_protected, token_url, scope,
        last_checked_at, last_check_passed, last_check_findings,
        created_at, updated_at, status_url
        """;

    public const string OfVendor = "SELECT " + Columns + " FROM broker_connections WHERE vendor_id = @vendorId ORDER BY name";
    public const string ById = "SELECT " + Columns + " FROM broker_connections WHERE vendor_id = @vendorId AND id = @id";
    public const string ByName = "SELECT " + Columns + " FROM broker_connections WHERE vendor_id = @vendorId AND name = @name";
    public const string NameTaken = "SELECT COUNT(*) FROM broker_connections WHERE vendor_id = @vendorId AND name = @name AND id <> @id";

    public const string Insert = """
        INSERT INTO broker_connections (id, vendor_id, name, broker_url, auth_kind, username, secret_protected, next_secret_protected,
            token_url, scope, created_at, updated_at, status_url)
        VALUES (@Id, @VendorId, @Name, @BrokerUrl, @AuthKind, @Username, @SecretProtected, @NextSecretProtected, @TokenUrl, @Scope, @CreatedAt, @UpdatedAt, @StatusUrl)
        """;

    public const string Update = """
        UPDATE broker_connections SET name = @Name, broker_url = @BrokerUrl, auth_kind = @AuthKind, username = @Username,
            secret_protected = @SecretProtected, next_secret_protected = @NextSecretProtected, token_url = @TokenUrl, scope = @Scope,
            updated_at = @UpdatedAt, status_url = @StatusUrl
        WHERE vendor_id = @VendorId AND id = @Id
        """;

    public const string RecordCheck = """
        UPDATE broker_connections SET last_checked_at = @at, last_check_passed = @passed, last_check_findings = @findings
        WHERE vendor_id = @vendorId AND id = @id
        """;

    /// <summary>Promotes the next secret only if it is still the one the check used: a concurrent change wins.</summary>
    public const string Promote = """
        UPDATE broker_connections SET secret_protected = next_secret_protected, next_secret_protected = NULL, updated_at = @at
        WHERE vendor_id = @vendorId AND id = @id AND next_secret_protected = @next
        """;

    /// <summary>The declared status pages: public addresses, read without any secret.</summary>
    public const string StatusPages = "SELECT vendor_id, name, status_url FROM broker_connections WHERE status_url IS NOT NULL";

    public const string Delete = "DELETE FROM broker_connections WHERE vendor_id = @vendorId AND id = @id";
}
