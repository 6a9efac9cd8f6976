using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Provisioning;

/// <summary>An offering as provisioning needs it: descriptor, vendor and the Länder (codes) it may be ordered in.</summary>
public sealed record OfferingInfo(OfferingDescriptor Descriptor, string VendorId, string ContentHash, IReadOnlySet<string> LandCodes)
{
    public string Id => Descriptor.Id;
    public bool IsBroker => Descriptor.Provisioning.Type == "osb";

    public PlanDescriptor? Plan(string planId) => Descriptor.Plans.FirstOrDefault(p => p.Id == planId);

    /// <summary>
    /// What the municipality pays a month for the chosen add-ons (yearly ones spread over twelve months), in cents: the
    /// standard package is funded, so it is not a cost; usage is billed as it occurs.
    /// </summary>
    public long MonthlyCostCents(string planId, IEnumerable<string> addOnIds)
    {
        var plan = Plan(planId) ?? throw new ArgumentException($"unknown plan {planId}", nameof(planId));
        var addOns = plan.AddOnList.Where(a => addOnIds.Contains(a.Id));
        return addOns.Sum(a => a.Interval == "year" ? a.PriceCents / 12 : a.PriceCents);
    }
}

/// <summary>Reads offerings from the catalogue tables; descriptors are cached per content hash, so a re-import is seen at once.</summary>
public sealed class OfferingDirectory(Database database)
{
    /// <summary>How long a cached descriptor is used without asking the database whether it changed.</summary>
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, OfferingInfo> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _checkedAt = new(StringComparer.Ordinal);

    public async Task<OfferingInfo?> GetAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await GetAsync(c, null, offeringId);
    }

    internal async Task<OfferingInfo?> GetAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string offeringId)
    {
        // Jobs read the same offering thousands of times in a rollout: a catalogue change is seen within seconds.
        if (_cache.TryGetValue(offeringId, out var recent) && _checkedAt.TryGetValue(offeringId, out var at)
            && Environment.TickCount64 - at < Fresh.TotalMilliseconds) return recent;
        var rows = (await c.QueryAsync<(string VendorId, string ContentHash)>(ProvisioningSql.OfferingHead, new { offeringId }, tx)).ToList();
        _checkedAt[offeringId] = Environment.TickCount64;
        if (rows.Count == 0) return null;
        var head = rows[0];
        if (_cache.TryGetValue(offeringId, out var cached) && cached.ContentHash == head.ContentHash) return cached;
        var json = await c.ExecuteScalarAsync<string>(ProvisioningSql.OfferingDocument, new { offeringId }, tx);
        var lands = (await c.QueryAsync<string>(ProvisioningSql.OfferingLaender, new { offeringId }, tx)).ToHashSet(StringComparer.Ordinal);
        var info = new OfferingInfo(JsonSerializer.Deserialize<OfferingDescriptor>(json!, DescriptorJson.Options)!, head.VendorId, head.ContentHash, lands);
        _cache[offeringId] = info;
        return info;
    }
}
