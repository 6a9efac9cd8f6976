namespace Marketplace.Identity;

/// <summary>Every SQL statement of the identity module's own (Dapper) tables.</summary>
internal static class IdentitySql
{
    private const string OrganisationColumns = """
        id, kind, name, municipality_ags, land_code, leitweg_id,
        billing_recipient, billing_street, billing_postal_code,
        billing_city, vendor_id, legal_name, vat_id, tax_number,
        bundler_type, created_at, updated_at
        """;

    public const string OrganisationById = $"SELECT {OrganisationColumns} FROM organisations WHERE id = @id";
    public const string OrganisationByAgs = $"SELECT {OrganisationColumns} FROM organisations WHERE municipality_ags = @ags";
    public const string OrganisationByVendor = $"SELECT {OrganisationColumns} FROM organisations WHERE vendor_id = @vendorId";
    public const string OrganisationsOfKind = $"SELECT {OrganisationColumns} FROM organisations WHERE kind = @kind ORDER BY name";
    public const string AllOrganisations = $"SELECT {OrganisationColumns} FROM organisations ORDER BY kind, name";

    public const string InsertOrganisation = """
        INSERT INTO organisations (id, kind, name, municipality_ags, land_code, leitweg_id, billing_recipient, billing_street,
            billing_postal_code, billing_city, vendor_id, legal_name, vat_id, tax_number, bundler_type, created_at, updated_at)
        VALUES (@Id, @Kind, @Name, @MunicipalityAgs, @LandCode, @LeitwegId, @BillingRecipient, @BillingStreet,
            @BillingPostalCode, @BillingCity, @VendorId, @LegalName, @VatId, @TaxNumber, @BundlerType, @CreatedAt, @UpdatedAt)
        """;

    public const string UpdateBilling = """
        UPDATE organisations SET leitweg_id = @LeitwegId, billing_recipient = @Recipient, billing_street = @Street,
            billing_postal_code = @PostalCode, billing_city = @City, updated_at = @now
        WHERE id = @id
        """;

    public const string UpdateVendorDetails = """
        UPDATE organisations SET legal_name = @LegalName, vat_id = @VatId, tax_number = @TaxNumber, updated_at = @now WHERE id = @id
        """;

    public const string ContactsOf = """
        SELECT role, name, email, phone FROM organisation_contacts
        WHERE organisation_id = @id ORDER BY position
        """;
    public const string DeleteContacts = "DELETE FROM organisation_contacts WHERE organisation_id = @id";
    public const string InsertContact = """
        INSERT INTO organisation_contacts (organisation_id, position, role, name, email, phone) VALUES (@id, @position, @Role, @Name, @Email, @Phone)
        """;

    private const string DelegationColumns = """
        d.id, d.municipality_org_id AS MunicipalityOrganisationId, d.municipality_ags,
        m.name AS MunicipalityName, d.bundler_org_id AS BundlerOrganisationId, b.name AS BundlerName,
        d.can_order, d.can_configure, d.can_view_invoices,
        d.granted_by, d.granted_at, d.revoked_by, d.revoked_at
        """;
    private const string DelegationFrom = """
        FROM delegations d JOIN organisations m ON m.id = d.municipality_org_id JOIN organisations b ON b.id = d.bundler_org_id
        """;

    public const string DelegationById = $"SELECT {DelegationColumns} {DelegationFrom} WHERE d.id = @id";
    public const string ActiveDelegationOf = $"SELECT {DelegationColumns} {DelegationFrom} WHERE d.municipality_org_id = @municipality AND d.bundler_org_id = @bundler AND d.revoked_at IS NULL";
    public const string ActiveDelegationsOfMunicipality = $"SELECT {DelegationColumns} {DelegationFrom} WHERE d.municipality_org_id = @municipality AND d.revoked_at IS NULL ORDER BY b.name";
    public const string ActiveDelegationsToBundler = $"SELECT {DelegationColumns} {DelegationFrom} WHERE d.bundler_org_id = @bundler AND d.revoked_at IS NULL ORDER BY m.name";

    public const string InsertDelegation = """
        INSERT INTO delegations (id, municipality_org_id, municipality_ags, bundler_org_id, can_order, can_configure, can_view_invoices, granted_by, granted_at)
        VALUES (@Id, @MunicipalityOrganisationId, @MunicipalityAgs, @BundlerOrganisationId, @CanOrder, @CanConfigure, @CanViewInvoices, @GrantedBy, @GrantedAt)
        """;
    public const string UpdateDelegationPermissions = """
        UPDATE delegations SET can_order = @CanOrder, can_configure = @CanConfigure, can_view_invoices = @CanViewInvoices WHERE id = @Id AND revoked_at IS NULL
        """;
    public const string RevokeDelegation = """
        UPDATE delegations SET revoked_by = @by, revoked_at = @at WHERE id = @id AND municipality_org_id = @municipality AND revoked_at IS NULL
        """;

    public const string ActiveDelegationFlags = """
        SELECT municipality_ags, can_order, can_configure, can_view_invoices
        FROM delegations WHERE bundler_org_id = @bundler AND municipality_ags = @ags AND revoked_at IS NULL
        """;
    public const string ActiveDelegationsOfBundler = """
        SELECT municipality_ags, can_order, can_configure, can_view_invoices
        FROM delegations WHERE bundler_org_id = @bundler AND revoked_at IS NULL ORDER BY municipality_ags
        """;

    private const string InvitationColumns = """
        id, organisation_id, email, role, invited_by, created_at,
        expires_at, accepted_at, accepted_user_id, revoked_at
        """;
    public const string InsertInvitation = """
        INSERT INTO invitations (id, organisation_id, email, role, token_hash, invited_by, created_at, expires_at)
        VALUES (@Id, @OrganisationId, @Email, @Role, @tokenHash, @InvitedBy, @CreatedAt, @ExpiresAt)
        """;
    public const string OpenInvitationByTokenHash = $"SELECT {InvitationColumns} FROM invitations WHERE token_hash = @tokenHash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now";
    public const string OpenInvitationsOf = $"SELECT {InvitationColumns} FROM invitations WHERE organisation_id = @id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now ORDER BY created_at";
    public const string AcceptInvitation = "UPDATE invitations SET accepted_at = @at, accepted_user_id = @userId WHERE id = @id AND accepted_at IS NULL AND revoked_at IS NULL";
    public const string RevokeInvitation = "UPDATE invitations SET revoked_at = @at WHERE id = @id AND organisation_id = @org AND accepted_at IS NULL AND revoked_at IS NULL";

    private const string ClientColumns = """
        client_id, organisation_id, display_name, role,
        created_by, created_at
        """;
    public const string InsertClient = """
        INSERT INTO api_clients (client_id, organisation_id, display_name, role, created_by, created_at)
        VALUES (@ClientId, @OrganisationId, @DisplayName, @Role, @CreatedBy, @CreatedAt)
        """;
    /// <summary>Who created an API client (deleted ones too: an order of a client outlives it).</summary>
    public const string ClientCreator = "SELECT created_by FROM api_clients WHERE client_id = @clientId";
    public const string ActiveClient = $"SELECT {ClientColumns} FROM api_clients WHERE client_id = @clientId AND deleted_at IS NULL";
    public const string ActiveClientsOf = $"SELECT {ClientColumns} FROM api_clients WHERE organisation_id = @id AND deleted_at IS NULL ORDER BY display_name";
    public const string DeleteClient = "UPDATE api_clients SET deleted_at = @at WHERE client_id = @clientId AND organisation_id = @org AND deleted_at IS NULL";


    public const string ServerKey = "SELECT protected_key FROM server_keys WHERE purpose = @purpose";
    // Portable insert-if-absent: a SELECT without FROM works on all three engines.
    public const string InsertServerKeyIfAbsent = """
        INSERT INTO server_keys (purpose, protected_key, created_at) SELECT @purpose, @key, @at
        WHERE NOT EXISTS (SELECT 1 FROM server_keys WHERE purpose = @purpose)
        """;
    // The users other modules address (UserDirectory): a municipality's users with their roles, the auditors, an e-mail address.
    public const string MunicipalityUsers = """
        SELECT u."Id" AS UserId, u."Email", r."Name" AS Role
        FROM "AspNetUsers" u
        JOIN organisations o ON o.id = u."OrganisationId"
        LEFT JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id"
        LEFT JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
        WHERE o.kind = 'municipality' AND o.municipality_ags = @ags
        ORDER BY u."Id"
        """;
    public const string PlatformAuditors = """
        SELECT DISTINCT u."Id" FROM "AspNetUsers" u
        JOIN organisations o ON o.id = u."OrganisationId"
        JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id"
        JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
        WHERE o.kind = 'platform' AND r."Name" = 'auditor'
        ORDER BY u."Id"
        """;
    public const string UserEmail = """SELECT "Email" FROM "AspNetUsers" WHERE "Id" = @userId""";
}
