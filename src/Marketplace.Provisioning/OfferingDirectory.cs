using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
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
public sealed class OfferingDirectory(Database database, OfferingRecords records, MunicipalityDirectory municipalities)
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
        var found = await records.HeadAsync(c, tx, offeringId);
        _checkedAt[offeringId] = Environment.TickCount64;
        if (found is not { } head) return null;
        if (_cache.TryGetValue(offeringId, out var cached) && cached.ContentHash == head.ContentHash) return cached;
        var json = await records.DocumentAsync(c, tx, offeringId);
        var lands = await records.LandCodesAsync(c, tx, offeringId);
        var info = new OfferingInfo(JsonSerializer.Deserialize<OfferingDescriptor>(json!, DescriptorJson.Options)!, head.VendorId, head.ContentHash, lands);
        _cache[offeringId] = info;
        return info;
    }

    /// <summary>
    /// Null when a municipality of <paramref name="landCode"/> may order the offering now, else the reason
    /// (<see cref="NotOrderableReasons"/>) and the required standards it misses. Read from the database on every call,
    /// never cached: a deprecation, retirement or failed check stops the next order.
    /// </summary>
    internal static async Task<NotOrderable?> WhyNotOrderableAsync(System.Data.Common.DbConnection c,
        System.Data.Common.DbTransaction? tx, OfferingInfo offering, string? landCode, string? landName = null)
    {
        var listing = await OrderabilityRule.CurrentAsync(c, tx, offering.Id);
        if (listing is null) return new NotOrderable(NotOrderableReasons.Retired, [], landName);
        return OrderabilityRule.WhyNot(listing, landCode is null || offering.LandCodes.Contains(landCode)) is { } why
            ? new NotOrderable(why, OrderabilityRule.MissingStandards(listing), landName) : null;
    }

    /// <summary>Why the municipality (or, without <paramref name="ags"/>, anyone) cannot order the offering now; null when it can.</summary>
    public async Task<NotOrderable?> WhyNotOrderableAsync(OfferingInfo offering, string? ags, CancellationToken ct = default)
    {
        var m = ags is null ? null : await municipalities.GetAsync(ags, ct);
        await using var c = await database.OpenAsync(ct);
        return await WhyNotOrderableAsync(c, null, offering, m?.LandCode, m?.LandName);
    }
}

/// <summary>Why an offering cannot be ordered (<see cref="NotOrderableReasons"/>), the required standards it misses, and the buyer's Land.</summary>
public sealed record NotOrderable(string Reason, IReadOnlyList<string> Standards, string? LandName)
{
    /// <summary>The refusal at a request's field, coded by the reason ("order.not-orderable.land"), the German text as fallback.</summary>
    public FieldError At(string field)
    {
        var named = Reason == NotOrderableReasons.Land ? LandName ?? "" : string.Join(", ", Standards);
        var german = Reason switch
        {
            NotOrderableReasons.Retired => "das Angebot ist eingestellt",
            NotOrderableReasons.Deprecated => "das Angebot ist abgekündigt: keine neuen Bestellungen",
            NotOrderableReasons.Unchecked => "die Konformität des Angebots ist nicht geprüft",
            NotOrderableReasons.NotConformant => $"das Angebot ist nicht konform zu vorgeschriebenen Standards ({named})",
            NotOrderableReasons.Land => $"in {named} nicht bestellbar",
            _ => Reason,
        };
        return FieldError.Coded(field, "order.not-orderable." + Reason, german, named);
    }
}
