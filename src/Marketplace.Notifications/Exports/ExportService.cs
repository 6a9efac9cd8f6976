using Marketplace.Catalog.Search;
using Marketplace.Notifications.SavedSearches;
using Marketplace.Storage;

namespace Marketplace.Notifications.Exports;

/// <summary>The CSV export of a catalogue search (all matches).</summary>
public sealed class ExportService(CatalogSearchService search)
{
    /// <summary>Every offering the search matches; a query the catalogue refuses is refused by field.</summary>
    public byte[] Search(string? queryString)
    {
        var parsed = CatalogQuery.Parse(queryString);
        if (parsed.Request is null) throw new RequestValidationException(parsed.Errors);
        var rows = CatalogQuery.AllMatches(search.Current, parsed.Request).Select(o => (IReadOnlyList<string?>)
        [
            o.Id, o.Name, o.Vendor.Name, string.Join(", ", o.Leistungen.Select(l => l.Name)), string.Join(", ", o.Laender),
            o.Reifegrad.ToString(System.Globalization.CultureInfo.InvariantCulture), CsvExport.Euros(o.PriceFromCents), string.Join(", ", o.PriceModels),
            o.Provisioning, o.Orderable ? "ja" : "nein", o.Summary,
        ]);
        return CsvExport.Write(["Angebot", "Name", "Anbieter", "Leistungen", "Länder", "Reifegrad", "Preis_ab_EUR", "Preismodelle", "Bereitstellung", "Bestellbar", "Beschreibung"], rows);
    }
}
