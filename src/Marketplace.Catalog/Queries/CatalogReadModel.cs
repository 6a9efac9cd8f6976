using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Queries;

public sealed record LeistungInfo(string OzgId, string Name, string NameEn, string ThemenfeldId, IReadOnlyList<string> LebenslageIds,
    IReadOnlyList<string> LeikaKeys, string Description);

public sealed record NamedItem(string Id, string Name, string NameEn);

public sealed record LandInfo(string Code, string Abbreviation, string Name, string NameEn);

/// <summary>An offering with its vendor's name, as the catalogue shows it.</summary>
public sealed record CatalogOffering(OfferingDescriptor Descriptor, string VendorName);

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

    private Dictionary<string, CatalogOffering>? _byId;

    public CatalogOffering? Offering(string id) =>
        (_byId ??= Offerings.ToDictionary(o => o.Descriptor.Id, StringComparer.Ordinal)).GetValueOrDefault(id);

    /// <summary>A Leistung by its OZG id or by any of its LeiKa keys.</summary>
    public LeistungInfo? Leistung(string key) =>
        Leistungen.GetValueOrDefault(key) ?? (LeikaToOzg.TryGetValue(key, out var ozg) ? Leistungen.GetValueOrDefault(ozg) : null);

    public IReadOnlyList<string> LandAbbreviations(OfferingDescriptor o) =>
        o.AllLaender ? Laender.Select(l => l.Abbreviation).ToList() : o.Laender;
}
