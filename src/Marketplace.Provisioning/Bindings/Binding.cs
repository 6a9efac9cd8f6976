namespace Marketplace.Provisioning.Bindings;

/// <summary>
/// States of a service binding. creating: the broker is asked (and polled); active: credentials exist; deleting: the
/// broker is asked to delete it (unbinding, rotation or orphan mitigation); failed: the broker did not create it (or
/// the platform deleted what it might have created); deleted: gone at the broker, kept for the record.
/// </summary>
public static class BindingStates
{
    public const string Creating = "creating";
    public const string Active = "active";
    public const string Deleting = "deleting";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
}

/// <summary>A binding row as stored.</summary>
public sealed class BindingRecord
{
    public string Id { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string Name { get; init; } = "";
    public string State { get; init; } = "";
    public string? CredentialsProtected { get; init; }
    public DateTimeOffset? CredentialsRevealedAt { get; init; }
    public string? ReplacesBindingId { get; init; }
    public string? FailureReason { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>
/// A binding as the API and pages show it: metadata only, never credentials. <see cref="CredentialsAvailable"/>: active
/// and not yet shown, so the one reveal may still happen. The failure reason (the broker's answer) is for the vendor only.
/// </summary>
public sealed record BindingView(string Id, string SubscriptionId, string Name, string State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy,
    bool CredentialsAvailable, DateTimeOffset? CredentialsRevealedAt, string? ReplacesBindingId, string? FailureReason)
{
    public static BindingView Of(BindingRecord r) => new(r.Id, r.SubscriptionId, r.Name, r.State, r.CreatedAt, r.UpdatedAt, r.CreatedBy,
        r.State == BindingStates.Active && r.CredentialsRevealedAt is null && r.CredentialsProtected is not null, r.CredentialsRevealedAt,
        r.ReplacesBindingId, r.FailureReason);
}

/// <summary>The one answer that carries a binding's credentials (and the broker's endpoints), given once.</summary>
public sealed record BindingCredentials(string BindingId, string Name, System.Text.Json.Nodes.JsonObject Credentials,
    System.Text.Json.Nodes.JsonArray Endpoints, DateTimeOffset RevealedAt);
