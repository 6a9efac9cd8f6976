using Marketplace.Identity.Access;

namespace Marketplace.Identity.Organisations;

/// <summary>A municipality's delegation to a bundling organisation, with what the bundler may do; revoked ones keep their row.</summary>
public sealed record Delegation
{
    public string Id { get; init; } = "";
    public string MunicipalityOrganisationId { get; init; } = "";
    public string MunicipalityAgs { get; init; } = "";
    public string MunicipalityName { get; init; } = "";
    public string BundlerOrganisationId { get; init; } = "";
    public string BundlerName { get; init; } = "";
    public bool CanOrder { get; init; }
    public bool CanConfigure { get; init; }
    public bool CanViewInvoices { get; init; }
    public string GrantedBy { get; init; } = "";
    public DateTimeOffset GrantedAt { get; init; }
    public string? RevokedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActive => RevokedAt is null;

    public MunicipalityPermission Permissions => MunicipalityPermission.View
        | (CanOrder ? MunicipalityPermission.Order : 0)
        | (CanConfigure ? MunicipalityPermission.Configure : 0)
        | (CanViewInvoices ? MunicipalityPermission.ViewInvoices : 0);
}

/// <summary>The permissions a municipality grants a bundler; viewing comes with any delegation.</summary>
public sealed record DelegationGrant(bool Order, bool Configure, bool ViewInvoices);
