using Marketplace.Identity.Access;

namespace Marketplace.Identity.Organisations;

/// <summary>
/// A municipality, vendor, bundling organisation or the platform operator. Which fields are set depends on the kind:
/// municipality (AGS, Land, Leitweg-ID, billing address), vendor (catalogue vendor id, legal name, VAT id or tax number),
/// bundler (a Land or a kommunaler IT-Dienstleister, optionally its Land).
/// </summary>
public sealed record Organisation
{
    public string Id { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? MunicipalityAgs { get; init; }
    public string? LandCode { get; init; }
    public string? LeitwegId { get; init; }
    public string? BillingRecipient { get; init; }
    public string? BillingStreet { get; init; }
    public string? BillingPostalCode { get; init; }
    public string? BillingCity { get; init; }
    public string? VendorId { get; init; }
    public string? LegalName { get; init; }
    public string? VatId { get; init; }
    public string? TaxNumber { get; init; }
    /// <summary>Bundlers only: "land" or "it-dienstleister".</summary>
    public string? BundlerType { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsMunicipality => Kind == OrganisationKinds.Municipality;
    public bool IsBundler => Kind == OrganisationKinds.Bundler;
}

/// <summary>A named contact of a vendor (sales, support, data protection, ...).</summary>
public sealed record OrganisationContact
{
    public string Role { get; init; } = "";
    public string Name { get; init; } = "";
    public string Email { get; init; } = "";
    public string? Phone { get; init; }
}

/// <summary>Billing details of a municipality: the Leitweg-ID for XRechnung and the invoice address.</summary>
public sealed record BillingDetails(string LeitwegId, string Recipient, string Street, string PostalCode, string City);

/// <summary>Legal details of a vendor.</summary>
public sealed record VendorDetails(string LegalName, string? VatId, string? TaxNumber, IReadOnlyList<OrganisationContact> Contacts);

/// <summary>What is needed to register an organisation; the fields that apply depend on <see cref="Kind"/>.</summary>
public sealed record NewOrganisation(
    string Kind, string? Name = null, string? MunicipalityAgs = null, string? VendorId = null, string? LandCode = null,
    string? BundlerType = null, string? LegalName = null, string? VatId = null, string? TaxNumber = null, BillingDetails? Billing = null,
    string? Id = null);

