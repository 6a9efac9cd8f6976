namespace Marketplace.Provisioning.Broker.Connections;

/// <summary>A broker connection as its vendor sees it: never a secret, only whether one (and a rotated next one) is set.</summary>
public sealed record BrokerConnectionView(
    string Id, string VendorId, string Name, string BrokerUrl, string AuthKind, string? Username, bool SecretSet, bool NextSecretSet,
    string? TokenUrl, string? Scope, DateTimeOffset? LastCheckedAt, bool? LastCheckPassed, IReadOnlyList<ConnectionFinding> LastFindings,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? StatusUrl);

/// <summary>
/// What a vendor sends to create or change a connection. Secrets are write-only: <see cref="Secret"/> replaces the current
/// secret at once, <see cref="NextSecret"/> is kept beside it until a check with it succeeds (rotation without downtime);
/// omitted, both stay as they are. <see cref="DiscardNextSecret"/> drops a next secret that turned out wrong.
/// <see cref="StatusUrl"/> (optional) is the broker's public status page or health endpoint: the platform measures the
/// availability of the connection's offerings that declare no sla.statusUrl with it (without credentials).
/// </summary>
public sealed record BrokerConnectionInput(
    string? Name, string? BrokerUrl, string? AuthKind, string? Username, string? Secret, string? NextSecret, string? TokenUrl, string? Scope,
    bool DiscardNextSecret = false, string? StatusUrl = null);

/// <summary>
/// One finding of a connection check: a stable code (texts come from resources by it), whether it is good news, and the
/// technical detail (the request without credentials, the status, what the broker offers). Never holds a credential.
/// </summary>
public sealed record ConnectionFinding(string Code, bool Passed, string Detail);

/// <summary>The result of "Verbindung prüfen": passed when the broker's catalogue was read with the connection's credentials.</summary>
public sealed record ConnectionCheck(bool Passed, DateTimeOffset CheckedAt, IReadOnlyList<ConnectionFinding> Findings);

/// <summary>The finding codes of a connection check.</summary>
public static class FindingCodes
{
    public const string CatalogRead = "catalog-read";
    public const string CredentialsRefused = "credentials-refused";
    public const string TokenRefused = "token-refused";
    public const string Unreachable = "unreachable";
    public const string VersionRefused = "version-refused";
    public const string BadStatus = "bad-status";
    public const string NotJson = "not-json";
    public const string Service = "service";
    public const string NoServices = "no-services";
    public const string NextSecretPromoted = "next-secret-promoted";
    public const string NextSecretRefused = "next-secret-refused";
}
