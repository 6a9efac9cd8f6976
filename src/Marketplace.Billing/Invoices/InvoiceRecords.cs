using System.Data.Common;
using Dapper;

namespace Marketplace.Billing.Invoices;

/// <summary>An invoice as other modules read it: whose it is, its number and period, the gross amount and when it is due.</summary>
public sealed record InvoiceSummary(string MunicipalityAgs, string Number, string Period, long GrossCents, string? DueDate);

/// <summary>
/// Invoices as other modules read them, on the caller's connection (and inside its transaction where it has one), so a
/// reader sees them in the same snapshot as its own rows.
/// </summary>
public sealed class InvoiceRecords
{
    /// <summary>The invoice's summary; null for an unknown invoice.</summary>
    public Task<InvoiceSummary?> SummaryAsync(DbConnection c, DbTransaction? tx, string invoiceId) =>
        c.QuerySingleOrDefaultAsync<InvoiceSummary?>(BillingSql.InvoiceSummary, new { id = invoiceId }, tx);
}
