using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Queries;

public sealed record LeistungInfo(string OzgId, string Name, string NameEn, string ThemenfeldId, IReadOnlyList<string> LebenslageIds,
    IReadOnlyList<string> LeikaKeys, string Description);

public sealed record NamedItem(string Id, string Name, string NameEn);

public sealed record LandInfo(string Code, string Abbreviation, string Name, string NameEn);

/// <summary>An offering with its vendor's name and its published version's listing, as the catalogue shows it.</summary>
public sealed record CatalogOffering(OfferingDescriptor Descriptor, string VendorName, OfferingListing Listing);

/// <summary>The lifecycle of a published offering: active (orderable if conformant), deprecated (no new orders), retired (gone from the catalogue).</summary>
public static class OfferingLifecycles
{
    public const string Active = "active";
    public const string Deprecated = "deprecated";
    public const string Retired = "retired";
}

/// <summary>The conformance of an offering version to one standard.</summary>
public static class ConformanceStatuses
{
    public const string Pending = "pending";
    public const string Conformant = "conformant";
    public const string NonConformant = "non-conformant";
    public const string Expired = "expired";
    public static readonly IReadOnlyList<string> All = [Pending, Conformant, NonConformant, Expired];
}

/// <summary>The published version's conformance to one standard, whether the platform requires that standard, and when it was last checked.</summary>
public sealed record StandardConformance(string StandardId, string StandardVersion, string Status, bool Required, DateTimeOffset? CheckedAt);

/// <summary>What the catalogue shows beyond the descriptor: which version is published, its lifecycle, its checked conformance.</summary>
public sealed record OfferingListing(int Version, string Lifecycle, IReadOnlyList<StandardConformance> Conformance)
{
    /// <summary>
    /// Orderable: active, checked at all, and conformant to every standard the platform requires of it.
    /// An offering nobody checked is not orderable: that is the whole point of the conformance audit.
    /// </summary>
    public bool Orderable => OrderabilityRule.WhyNot(this) is null;

    public DateTimeOffset? LastCheckedAt => Conformance.Max(c => c.CheckedAt);
}

/// <summary>
/// The whole published catalogue in memory at one revision: small enough (tens of thousands of offerings)
/// to hold, and read on every search and page, so it is loaded once per revision instead of per request.
/// </summary>
public sealed class CatalogReadModel
{
    public required long Revision { get; init; }
    public required IReadOnlyList<CatalogOffering> Offerings { get; init; }
    public required IReadOnlyDictionary<string, LeistungInfo> Leistungen { get; init; }
    public required IReadOnlyDictionary<string, string> LeikaToOzg { get; init; }
    public required IReadOnlyDictionary<string, NamedItem> Themenfelder { get; init; }
    public required IReadOnlyDictionary<string, (NamedItem Item, string ThemenfeldId)> Lebenslagen { get; init; }
    public required IReadOnlyDictionary<string, NamedItem> Vendors { get; init; }
    public required IReadOnlyDictionary<string, NamedItem> Standards { get; init; }
    public required IReadOnlyList<LandInfo> Laender { get; init; }
    public required IReadOnlyList<BundleDescriptor> Bundles { get; init; }
    /// <summary>The Fachverfahren areas, products and interface standards offerings declare their back-office delivery against.</summary>
    public Marketplace.Catalog.BackOffice.BackOfficeReference BackOffice { get; init; } = Marketplace.Catalog.BackOffice.BackOfficeReference.Empty;

    private Dictionary<string, CatalogOffering>? _byId;

    public CatalogOffering? Offering(string id) =>
        (_byId ??= Offerings.ToDictionary(o => o.Descriptor.Id, StringComparer.Ordinal)).GetValueOrDefault(id);

    /// <summary>A Leistung by its OZG id or by any of its LeiKa keys.</summary>
    public LeistungInfo? Leistung(string key) =>
        Leistungen.GetValueOrDefault(key) ?? (LeikaToOzg.TryGetValue(key, out var ozg) ? Leistungen.GetValueOrDefault(ozg) : null);

    public IReadOnlyList<string> LandAbbreviations(OfferingDescriptor o) =>
        o.AllLaender ? Laender.Select(l => l.Abbreviation).ToList() : o.Laender;
}

/// <summary>The read model of a catalogue straight from its descriptors, without a database: for benchmarks and relevance measurement.</summary>
public static class SnapshotReadModel
{
    /// <summary>Every offering gets the listing <paramref name="listing"/> gives it (its version, lifecycle and checked conformance).</summary>
    public static CatalogReadModel Build(CatalogSnapshot snapshot, Func<OfferingDescriptor, OfferingListing> listing, long revision = 1)
    {
        var leistungen = snapshot.Leistungen.ToDictionary(l => l.Value.OzgId, l => new LeistungInfo(l.Value.OzgId, l.Value.Name, l.Value.NameEn,
            l.Value.Themenfeld, l.Value.Lebenslagen, l.Value.LeikaKeys, l.Value.Description));
        var vendors = snapshot.Vendors.ToDictionary(v => v.Value.Id, v => new NamedItem(v.Value.Id, v.Value.Name, v.Value.Name));
        return new CatalogReadModel
        {
            Revision = revision,
            Offerings = snapshot.Offerings.Select(o => new CatalogOffering(o.Value, vendors[o.Value.Vendor].Name, listing(o.Value))).ToList(),
            Leistungen = leistungen,
            LeikaToOzg = leistungen.Values.SelectMany(l => l.LeikaKeys.Select(k => (k, l.OzgId))).ToDictionary(p => p.k, p => p.OzgId),
            Themenfelder = snapshot.Themenfelder.ToDictionary(t => t.Value.Id, t => new NamedItem(t.Value.Id, t.Value.Name, t.Value.NameEn)),
            Lebenslagen = snapshot.Lebenslagen.ToDictionary(l => l.Value.Id, l => (new NamedItem(l.Value.Id, l.Value.Name, l.Value.NameEn), l.Value.Themenfeld)),
            Vendors = vendors,
            Standards = snapshot.Standards.ToDictionary(s => s.Value.Id, s => new NamedItem(s.Value.Id, s.Value.Name, s.Value.NameEn)),
            Laender = snapshot.Laender.Select(l => new LandInfo(l.Value.Code, l.Value.Abbreviation, l.Value.Name, l.Value.NameEn)).ToList(),
            Bundles = [],
            BackOffice = new Marketplace.Catalog.BackOffice.BackOfficeReference(snapshot.Schnittstellen.Select(i => i.Value), snapshot.Fachverfahren.Select(a => a.Value)),
        };
    }

    /// <summary>The listing of an offering that passed its check: version 1, active, every claimed standard conformant, DSGVO-AVV required.</summary>
    public static OfferingListing Checked(OfferingDescriptor o) => new(1, OfferingLifecycles.Active,
        o.Standards.Select(s => new StandardConformance(s.Standard, s.Version, ConformanceStatuses.Conformant,
            s.Standard == "dsgvo-avv", new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero))).ToList());
}
