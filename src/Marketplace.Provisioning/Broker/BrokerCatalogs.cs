using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>
/// The brokers' own catalogues (GET /v2/catalog), read once per broker and kept for a while: they say how long the
/// platform may poll an operation of a plan (<c>maximum_polling_duration</c>) and which services' instances may be
/// fetched (<c>instances_retrievable</c>).
/// </summary>
public sealed class BrokerCatalogs(OsbClient osb, TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    private sealed record Entry(DateTimeOffset Until, IReadOnlyDictionary<string, TimeSpan> Limits, IReadOnlySet<string> Retrievable);

    /// <summary>The plan's maximum polling duration, or null when the broker names none (or its catalogue cannot be read now).</summary>
    public async Task<TimeSpan?> MaximumPollingDurationAsync(BrokerEndpoint broker, string planId, OriginatingIdentity identity, CancellationToken ct) =>
        await EntryAsync(broker, identity, ct) is { } entry && entry.Limits.TryGetValue(planId, out var limit) ? limit : null;

    /// <summary>Whether the service declares <c>instances_retrievable: true</c>; false when it does not or the catalogue cannot be read now.</summary>
    public async Task<bool> InstancesRetrievableAsync(BrokerEndpoint broker, string serviceId, OriginatingIdentity identity, CancellationToken ct) =>
        await EntryAsync(broker, identity, ct) is { } entry && entry.Retrievable.Contains(serviceId);

    private async Task<Entry?> EntryAsync(BrokerEndpoint broker, OriginatingIdentity identity, CancellationToken ct)
    {
        var key = broker.BaseUrl.ToString();
        if (_cache.TryGetValue(key, out var entry) && entry.Until >= clock.GetUtcNow()) return entry;
        var response = await osb.CatalogAsync(broker, identity, ct);
        if (response.Transport != OsbTransport.Answered || response.Status != 200 || response.Body is null) return null;
        entry = Read(response.Body, clock.GetUtcNow() + KeepFor);
        _cache[key] = entry;
        return entry;
    }

    private static Entry Read(JsonObject catalog, DateTimeOffset until)
    {
        var limits = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var retrievable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in (catalog["services"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (service["id"] is JsonValue sid && sid.TryGetValue<string>(out var serviceId)
                && service["instances_retrievable"] is JsonValue r && r.TryGetValue<bool>(out var yes) && yes)
                retrievable.Add(serviceId);
            foreach (var plan in (service["plans"] as JsonArray ?? []).OfType<JsonObject>())
                if (plan["id"] is JsonValue id && id.TryGetValue<string>(out var planId)
                    && plan["maximum_polling_duration"] is JsonValue d && d.TryGetValue<int>(out var seconds) && seconds > 0)
                    limits[planId] = TimeSpan.FromSeconds(seconds);
        }
        return new Entry(until, limits, retrievable);
    }
}
