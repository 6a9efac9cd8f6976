using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Orders;

/// <summary>An order of one plan of an offering, with add-ons and the municipality's configuration.</summary>
public sealed record OrderRequest(string OfferingId, string PlanId, IReadOnlyList<string>? AddOnIds, JsonObject? Configuration)
{
    /// <summary>
    /// Needed when the offering does not fit the municipality's data policy: a buyer-admin's reason for ordering it anyway,
    /// kept in the audit trail.
    /// </summary>
    public DataPolicyExceptionRequest? DataPolicyException { get; init; }
}

/// <summary>Why a buyer-admin orders an offering that does not fit the municipality's data policy.</summary>
public sealed record DataPolicyExceptionRequest(string? Reason);

/// <summary>The states of an order.</summary>
public static class OrderStates
{
    /// <summary>Above the municipality's threshold: a second buyer-admin must approve before anything is provisioned.</summary>
    public const string AwaitingApproval = "awaiting_approval";
    public const string Placed = "placed";
    public const string Rejected = "rejected";
}

/// <summary>An order as the ordering municipality sees it.</summary>
public sealed record OrderView(
    string Id, string MunicipalityAgs, string Kind, string? BundleId, string State, long MonthlyCostCents, string OrderedBy, DateTimeOffset OrderedAt,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, IReadOnlyList<string> SubscriptionIds);

/// <summary>The order and whether this call created it (false: the same Idempotency-Key and body were seen before).</summary>
public sealed record OrderResult(OrderView Order, bool Created);

internal sealed class OrderRow
{
    public string Id { get; init; } = "";
    public string MunicipalityAgs { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? BundleId { get; init; }
    public string State { get; init; } = "";
    public long MonthlyCostCents { get; init; }
    public string OrderedBy { get; init; } = "";
    public DateTimeOffset OrderedAt { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecisionReason { get; init; }
}

/// <summary>SHA-256 over canonical JSON (object keys sorted): equal requests hash equally whatever their key order.</summary>
internal static class RequestHash
{
    public static string Of(object request)
    {
        var node = JsonSerializer.SerializeToNode(request, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var builder = new StringBuilder();
        Write(node, builder);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static void Write(JsonNode? node, StringBuilder b)
    {
        switch (node)
        {
            case JsonObject o:
                b.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (v is null) continue;
                    if (!first) b.Append(',');
                    first = false;
                    b.Append(JsonSerializer.Serialize(k)).Append(':');
                    Write(v, b);
                }
                b.Append('}');
                break;
            case JsonArray a:
                b.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) b.Append(',');
                    Write(a[i], b);
                }
                b.Append(']');
                break;
            case null:
                b.Append("null");
                break;
            default:
                b.Append(node.ToJsonString());
                break;
        }
    }
}
