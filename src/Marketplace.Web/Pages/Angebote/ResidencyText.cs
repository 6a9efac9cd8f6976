using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Residency;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Angebote;

/// <summary>The residency facts in the page's language: countries, Länder, places and why an offering misses a data policy.</summary>
public static class ResidencyText
{
    public static string Country(IStringLocalizer l, string code) => l["Country." + code] is { ResourceNotFound: false } t ? t.Value : code;

    public static string Land(CatalogReadModel catalog, string abbreviation) =>
        catalog.Laender.FirstOrDefault(x => x.Abbreviation == abbreviation) is { } land ? Format.Name(land.Name, land.NameEn) : abbreviation;

    public static string Place(IStringLocalizer l, CatalogReadModel catalog, DataPlace? place) =>
        place is null ? l["Residency.NotStated"].Value
        : place.Land is { } land ? $"{Land(catalog, land)}, {Country(l, place.Country)}" : Country(l, place.Country);

    public static string Operator(IStringLocalizer l, OperatorDescriptor? op) =>
        op is null ? l["Residency.NotStated"].Value : $"{op.Name} ({l["OperatorKind." + op.Kind].Value})";

    /// <summary>One sentence per reason an offering does not fit the policy.</summary>
    public static string Violation(IStringLocalizer l, CatalogReadModel catalog, PolicyViolation v) => v.Code switch
    {
        "not-stated" => l["Residency.Violation.not-stated", l["Residency.Field." + v.Args[0]].Value],
        "primary-outside-germany" or "backup-outside-germany" or "primary-third-country" or "backup-third-country"
            => l["Residency.Violation." + v.Code, Country(l, v.Args[0])],
        "primary-outside-land" or "backup-outside-land" => l["Residency.Violation." + v.Code,
            v.Args[0].Length == 2 && catalog.Laender.Any(x => x.Abbreviation == v.Args[0]) ? Land(catalog, v.Args[0]) : Country(l, v.Args[0]), Land(catalog, v.Args[1])],
        "subprocessor-outside-germany" or "subprocessor-third-country" => l["Residency.Violation." + v.Code, v.Args[0], Country(l, v.Args[1])],
        "operator-not-public" => l["Residency.Violation.operator-not-public", v.Args[0], l["OperatorKind." + v.Args[1]].Value],
        "third-country-access" => l["Residency.Violation.third-country-access", v.Args[0]],
        _ => v.Code,
    };
}
