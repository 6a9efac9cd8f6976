using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>
/// The brokers' own catalogues (GET /v2/catalog), read once per broker and kept for a while: they say how long the
/// platform may poll an operation of a plan (<c>maximum_polling_duration</c>).
/// </summary>
public sealed class BrokerCatalogs(OsbClient osb, TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, IReadOnlyDictionary<string, TimeSpan> Limits)> _cache = new(StringComparer.Ordinal);

    /// <summary>The plan's maximum polling duration, or null when the broker names none (or its catalogue cannot be read now).</summary>
    public async Task<TimeSpan?> MaximumPollingDurationAsync(BrokerEndpoint broker, string planId, OriginatingIdentity identity, CancellationToken ct)
    {
        var key = broker.BaseUrl.ToString();
        if (!_cache.TryGetValue(key, out var entry) || entry.Until < clock.GetUtcNow())
        {
            var response = await osb.CatalogAsync(broker, identity, ct);
            if (response.Transport != OsbTransport.Answered || response.Status != 200 || response.Body is null) return null;
            entry = (clock.GetUtcNow() + KeepFor, Limits(response.Body));
            _cache[key] = entry;
        }
        return entry.Limits.TryGetValue(planId, out var limit) ? limit : null;
    }

    private static Dictionary<string, TimeSpan> Limits(JsonObject catalog)
    {
        var limits = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var service in (catalog["services"] as JsonArray ?? []).OfType<JsonObject>())
            foreach (var plan in (service["plans"] as JsonArray ?? []).OfType<JsonObject>())
                if (plan["id"] is JsonValue id && id.TryGetValue<string>(out var planId)
                    && plan["maximum_polling_duration"] is JsonValue d && d.TryGetValue<int>(out var seconds) && seconds > 0)
                    limits[planId] = TimeSpan.FromSeconds(seconds);
        return limits;
    }
}
