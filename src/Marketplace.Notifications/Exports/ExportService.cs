using Dapper;
using Marketplace.Billing.Invoices;
using Marketplace.Catalog.Search;
using Marketplace.Notifications.SavedSearches;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Notifications.Exports;

/// <summary>The CSV exports: a catalogue search (all matches), a municipality's subscriptions, its issued invoices. Callers check access first.</summary>
public sealed class ExportService(Database database, CatalogSearchService search, SubscriptionService subscriptions, InvoiceService invoices)
{
    /// <summary>Every offering the search matches; a query the catalogue refuses is refused by field.</summary>
    public byte[] Search(string? queryString)
    {
        var parsed = CatalogQuery.Parse(queryString);
        if (parsed.Request is null)
        {
            var (field, messages) = parsed.Errors.First();
            throw RequestValidationException.For(field, string.Join(" ", messages));
        }
        var rows = CatalogQuery.AllMatches(search.Current, parsed.Request).Select(o => (IReadOnlyList<string?>)
        [
            o.Id, o.Name, o.Vendor.Name, string.Join(", ", o.Leistungen.Select(l => l.Name)), string.Join(", ", o.Laender),
            o.Reifegrad.ToString(System.Globalization.CultureInfo.InvariantCulture), CsvExport.Euros(o.PriceFromCents), string.Join(", ", o.PriceModels),
            o.Provisioning, o.Orderable ? "ja" : "nein", o.Summary,
        ]);
        return CsvExport.Write(["Angebot", "Name", "Anbieter", "Leistungen", "Länder", "Reifegrad", "Preis_ab_EUR", "Preismodelle", "Bereitstellung", "Bestellbar", "Beschreibung"], rows);
    }

    public async Task<byte[]> SubscriptionsAsync(string ags, CancellationToken ct = default)
    {
        Dictionary<string, string> names;
        await using (var c = await database.OpenAsync(ct))
            names = (await c.QueryAsync<(string Id, string Name)>(new CommandDefinition(NotificationSql.OfferingNames, cancellationToken: ct)))
                .ToDictionary(o => o.Id, o => o.Name);
        var rows = (await subscriptions.ListAsync(ags, ct)).Select(s => (IReadOnlyList<string?>)
        [
            s.Id, s.OfferingId, names.GetValueOrDefault(s.OfferingId, s.OfferingId), s.VendorId, s.PlanId, string.Join(", ", s.AddOnIds), s.State,
            s.Fulfilment, s.OrderId, s.RolloutId, s.CreatedAt, s.UpdatedAt, s.FailureReason,
        ]);
        return CsvExport.Write(["Abonnement", "Angebot", "Angebotsname", "Anbieter", "Tarif", "Zusatzleistungen", "Zustand", "Bereitstellung",
            "Bestellung", "Rollout", "Angelegt", "Geaendert", "Fehler"], rows);
    }

    /// <summary>The municipality's issued invoices (drafts are not theirs to see), newest first.</summary>
    public async Task<byte[]> InvoicesAsync(string ags, CancellationToken ct = default)
    {
        const int page = 200;
        var all = new List<Invoice>();
        for (var offset = 0; ; offset += page)
        {
            var batch = await invoices.ListIssuedForMunicipalityAsync(ags, page, offset, ct);
            all.AddRange(batch);
            if (batch.Count < page) break;
        }
        var rows = all.Select(i => (IReadOnlyList<string?>)
        [
            i.Number, i.Period, i.State, i.IssueDate, i.DueDate, i.PaymentChannel, i.Currency, CsvExport.Euros(i.NetCents), CsvExport.Euros(i.VatCents),
            CsvExport.Euros(i.GrossCents), i.Id,
        ]);
        return CsvExport.Write(["Rechnungsnummer", "Zeitraum", "Status", "Rechnungsdatum", "Faellig", "Zahlungsweg", "Waehrung", "Netto_EUR", "USt_EUR",
            "Brutto_EUR", "Rechnung"], rows);
    }
}
