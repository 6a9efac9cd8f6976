using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Broker;

/// <summary>What a broker's catalogue says about one plan: how long to poll, and whether it can be bound.</summary>
/// <param name="Bindable">The plan's <c>bindable</c>, else its service's (the specification's precedence).</param>
/// <param name="BindingsRetrievable">The service's <c>bindings_retrievable</c>: only then can credentials of an asynchronous binding be fetched.</param>
public sealed record PlanFacts(TimeSpan? MaximumPollingDuration, bool Bindable, bool BindingsRetrievable);

/// <summary>
/// The brokers' own catalogues (GET /v2/catalog), read once per broker and kept for a while: they say how long the
/// platform may poll an operation of a plan (<c>maximum_polling_duration</c>), whether a plan is bindable, and which
/// services' instances may be fetched (<c>instances_retrievable</c>).
/// </summary>
public sealed class BrokerCatalogs(OsbClient osb, TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    private sealed record Entry(DateTimeOffset Until, IReadOnlyDictionary<string, PlanFacts> Plans, IReadOnlySet<string> Retrievable);

    /// <summary>The plan's maximum polling duration, or null when the broker names none (or its catalogue cannot be read now).</summary>
    public async Task<TimeSpan?> MaximumPollingDurationAsync(BrokerEndpoint broker, string planId, OriginatingIdentity identity, CancellationToken ct) =>
        (await PlanAsync(broker, planId, identity, ct))?.MaximumPollingDuration;

    /// <summary>What the catalogue says about the plan; null when the catalogue cannot be read now or does not list the plan.</summary>
    public async Task<PlanFacts?> PlanAsync(BrokerEndpoint broker, string planId, OriginatingIdentity identity, CancellationToken ct) =>
        await EntryAsync(broker, identity, ct) is { } entry && entry.Plans.TryGetValue(planId, out var facts) ? facts : null;

    /// <summary>Whether the service declares <c>instances_retrievable: true</c>; false when it does not or the catalogue cannot be read now.</summary>
    public async Task<bool> InstancesRetrievableAsync(BrokerEndpoint broker, string serviceId, OriginatingIdentity identity, CancellationToken ct) =>
        await EntryAsync(broker, identity, ct) is { } entry && entry.Retrievable.Contains(serviceId);

    private async Task<Entry?> EntryAsync(BrokerEndpoint broker, OriginatingIdentity identity, CancellationToken ct)
    {
        var key = broker.BaseUrl.ToString();
        if (_cache.TryGetValue(key, out var entry) && entry.Until >= clock.GetUtcNow()) return entry;
        var response = await osb.CatalogAsync(broker, identity, ct);
        if (response.Transport != OsbTransport.Answered || response.Status != 200 || response.Body is null) return null;
        entry = new Entry(clock.GetUtcNow() + KeepFor, Plans(response.Body), RetrievableServices(response.Body));
        _cache[key] = entry;
        return entry;
    }

    /// <summary>Every plan of a catalogue document by plan id.</summary>
    public static Dictionary<string, PlanFacts> Plans(JsonObject catalog)
    {
        var plans = new Dictionary<string, PlanFacts>(StringComparer.Ordinal);
        foreach (var service in (catalog["services"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var serviceBindable = Flag(service, "bindable") ?? false;
            var retrievable = Flag(service, "bindings_retrievable") ?? false;
            foreach (var plan in (service["plans"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (plan["id"] is not JsonValue id || !id.TryGetValue<string>(out var planId)) continue;
                TimeSpan? limit = plan["maximum_polling_duration"] is JsonValue d && d.TryGetValue<int>(out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds) : null;
                plans[planId] = new PlanFacts(limit, Flag(plan, "bindable") ?? serviceBindable, retrievable);
            }
        }
        return plans;
    }

    private static HashSet<string> RetrievableServices(JsonObject catalog) =>
        (catalog["services"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(service => Flag(service, "instances_retrievable") == true)
            .Select(service => service["id"] is JsonValue sid && sid.TryGetValue<string>(out var serviceId) ? serviceId : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static bool? Flag(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
}
