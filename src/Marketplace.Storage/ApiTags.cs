namespace Marketplace.Storage;

/// <summary>
/// The OpenAPI tags, in English, one per module: every API operation carries exactly one of them, so the document groups
/// operations the way the code is divided (OpenApiTagTests holds the host to it).
/// </summary>
public static class ApiTags
{
    public const string Catalogue = "Catalogue";
    public const string Identity = "Identity";
    public const string Conformance = "Conformance";
    public const string Audit = "Audit";
    public const string Provisioning = "Ordering and provisioning";
    public const string Billing = "Billing";
    public const string Community = "Community";
    public const string Notifications = "Notifications and exports";

    public static readonly IReadOnlyList<string> All = [Catalogue, Identity, Conformance, Audit, Provisioning, Billing, Community, Notifications];
}
