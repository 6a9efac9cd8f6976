namespace Marketplace.Audit;

/// <summary>Configuration section "Audit".</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Development-only chain key. The chain is an HMAC chain: with the key outside the database, someone who can
    /// write to the database still cannot rewrite the chain so that it verifies.
    /// </summary>
    public const string DevelopmentKey = "development-only-audit-chain-key-change-me";

    /// <summary>The secret the chain's hashes are keyed with; the same on every instance. Production takes it from a secret store.</summary>
    public string ChainKey { get; set; } = DevelopmentKey;
}
