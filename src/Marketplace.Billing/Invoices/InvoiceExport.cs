using Marketplace.Storage;

namespace Marketplace.Billing.Invoices;

/// <summary>A municipality's issued invoices (drafts are not theirs to see) as CSV, newest first. Callers check access first.</summary>
public sealed class InvoiceExport(InvoiceService invoices)
{
    public async Task<byte[]> CsvAsync(string ags, CancellationToken ct = default)
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
