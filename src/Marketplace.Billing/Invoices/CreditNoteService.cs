using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.XRechnung;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Invoices;

/// <summary>A corrected quantity for one line of an issued invoice (e.g. usage the vendor reported wrongly).</summary>
public sealed record LineCorrection(long LineNo, long Quantity);

/// <summary>
/// Issues credit notes: for the whole remaining amount when an issued invoice is voided, and for the difference when one of
/// its lines is corrected downwards. A credit note takes the next number of its own gapless series (PREFIX-GS-YYYY-NNNNNN,
/// counted up in the issuing transaction), the parties frozen on its invoice and each credited line's VAT treatment; on the
/// XRechnung channel it must pass the platform's XRechnung check like an invoice.
/// </summary>
public sealed class CreditNoteService(Database database, AuditTrail audit, BillingCalendar calendar, TimeProvider clock, IOptions<BillingOptions> options)
{
    private sealed class CreditedRow
    {
        public long LineNo { get; init; }
        public long Quantity { get; init; }
        public long AmountCents { get; init; }
    }

    public async Task<CreditNoteDocument?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var note = await c.QuerySingleOrDefaultAsync<CreditNote>(new CommandDefinition(BillingSql.CreditNoteById, new { id }, cancellationToken: ct));
        if (note is null) return null;
        var lines = await c.QueryAsync<InvoiceLine>(new CommandDefinition(BillingSql.CreditNoteLines, new { id }, cancellationToken: ct));
        return new CreditNoteDocument(note, lines.ToList());
    }

    public async Task<IReadOnlyList<CreditNote>> ListForMunicipalityAsync(string ags, int limit = 50, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<CreditNote>(new CommandDefinition(BillingSql.CreditNotesOfMunicipality(database.Dialect), new { ags, limit, offset }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<CreditNote>> ListForInvoiceAsync(string invoiceId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<CreditNote>(new CommandDefinition(BillingSql.CreditNotesOfInvoice, new { invoiceId }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Corrects lines of an issued (finalized, paid or payment failed) invoice to lower quantities and issues a credit note for
    /// the difference. A higher quantity is refused: what was billed too little is billed with a new invoice, not a correction.
    /// </summary>
    public async Task<CreditNoteDocument> CorrectAsync(string invoiceId, IReadOnlyList<LineCorrection> corrections, string? reason, Actor actor, CancellationToken ct = default)
    {
        if (corrections.Count == 0) throw new BillingValidationException("lines", "Name at least one line and its corrected quantity.");
        if (string.IsNullOrWhiteSpace(reason)) throw new BillingValidationException("reason", "Say why the invoice is corrected; the credit note shows it.");
        if (reason.Length > 500) throw new BillingValidationException("reason", "At most 500 characters.");
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var state = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(BillingSql.LockInvoice(database.Dialect), new { id = invoiceId }, tx, cancellationToken: ct))
            ?? throw new BillingNotFoundException($"No invoice {invoiceId}.");
        if (state is not (InvoiceStates.Finalized or InvoiceStates.Paid or InvoiceStates.PaymentFailed))
            throw new BillingConflictException($"Invoice {invoiceId} is {state}; only an issued invoice that is not void can be corrected.");
        var document = (await InvoiceService.ReadAsync(c, tx, invoiceId, ct))!;
        var credited = await CreditedAsync(c, tx, invoiceId, ct);
        var lines = new List<InvoiceLine>();
        for (var i = 0; i < corrections.Count; i++)
        {
            var correction = corrections[i];
            var line = document.Lines.FirstOrDefault(l => l.LineNo == correction.LineNo)
                ?? throw new BillingValidationException($"lines[{i}].lineNo", $"Invoice {document.Invoice.Number} has no line {correction.LineNo}.");
            if (corrections.Take(i).Any(x => x.LineNo == correction.LineNo))
                throw new BillingValidationException($"lines[{i}].lineNo", $"Line {correction.LineNo} is named twice.");
            var already = credited.GetValueOrDefault(line.LineNo);
            var current = line.Quantity - (already?.Quantity ?? 0);
            if (correction.Quantity < 0 || correction.Quantity >= current)
                throw new BillingValidationException($"lines[{i}].quantity",
                    $"Line {line.LineNo} stands at {current.ToString(CultureInfo.InvariantCulture)}; a correction lowers it to between 0 and {(current - 1).ToString(CultureInfo.InvariantCulture)}. More is billed with a new invoice.");
            var difference = current - correction.Quantity;
            var amount = correction.Quantity == 0
                ? line.AmountCents - (already?.AmountCents ?? 0)
                : Math.Min(Money.LineAmount(difference, line.UnitPriceCents, line.PriceBase), line.AmountCents - (already?.AmountCents ?? 0));
            lines.Add(line with { Quantity = difference, AmountCents = amount });
        }
        var note = await IssueAsync(c, tx, document, CreditNoteKinds.Correction, reason.Trim(), lines.Where(l => l.AmountCents > 0).ToList(), actor, ct);
        await tx.CommitAsync(ct);
        return note;
    }

    /// <summary>
    /// The credit note cancelling what is left of an issued invoice (all of it, less earlier corrections), inside the caller's
    /// transaction that voids it. Null when nothing is left to credit.
    /// </summary>
    internal async Task<CreditNoteDocument?> IssueForVoidAsync(DbConnection c, DbTransaction tx, string invoiceId, Actor actor, CancellationToken ct)
    {
        var document = (await InvoiceService.ReadAsync(c, tx, invoiceId, ct))!;
        var credited = await CreditedAsync(c, tx, invoiceId, ct);
        var remaining = document.Lines
            .Select(l => credited.GetValueOrDefault(l.LineNo) is { } done ? l with { Quantity = l.Quantity - done.Quantity, AmountCents = l.AmountCents - done.AmountCents } : l)
            .Where(l => l.AmountCents > 0)
            .ToList();
        if (remaining.Count == 0) return null;
        return await IssueAsync(c, tx, document, CreditNoteKinds.Void, $"Rechnung {document.Invoice.Number} storniert.", remaining, actor, ct);
    }

    private async Task<CreditNoteDocument> IssueAsync(DbConnection c, DbTransaction tx, InvoiceDocument invoice, string kind, string reason,
        List<InvoiceLine> lines, Actor actor, CancellationToken ct)
    {
        if (lines.Count == 0) throw new BillingConflictException($"Nothing of invoice {invoice.Invoice.Number} is left to credit.");
        var now = clock.GetUtcNow();
        var today = calendar.LocalDate(now);
        var number = await NextNumberAsync(c, tx, today.Year, ct);
        var id = Guid.CreateVersion7(now).ToString();
        var groups = VatBreakdown.Of(lines, l => l.Vat, l => l.AmountCents);
        var (net, vat) = (lines.Sum(l => l.AmountCents), groups.Sum(g => g.VatCents));
        var i = invoice.Invoice;
        var note = new CreditNote(id, number, i.Id, i.Number, i.IssueDate!, i.MunicipalityAgs, i.Period, i.PeriodStart, i.PeriodEnd, kind, reason,
            i.Currency, net, vat, net + vat, BillingStore.Date(today), i.PaymentChannel, i.BuyerJson!, i.SellerJson!, null, BillingStore.Timestamp(now));
        var document = new CreditNoteDocument(note, lines);
        if (i.PaymentChannel == PaymentChannels.XRechnung)
        {
            var problems = XRechnungRules.Check(XRechnungWriter.Write(document));
            if (problems.Count > 0)
                throw new BillingConflictException($"The credit note for invoice {i.Number} would not be a valid XRechnung: {string.Join("; ", problems)}");
        }
        await c.ExecuteAsync(new CommandDefinition(BillingSql.InsertCreditNote, note, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BillingSql.InsertCreditNoteLine, lines.Select((l, n) => new
        {
            CreditNoteId = id, No = (long)n + 1, l.LineNo, l.Kind, l.SubscriptionId, l.OfferingId, l.OfferingName, l.PlanId, l.ExtraId, l.ExtraName,
            l.TierNo, l.Unit, l.Quantity, l.UnitPriceCents, l.PriceBase, l.AmountCents, l.ServiceFrom, l.ServiceTo, l.VatCategory,
            l.VatRateBasisPoints, l.VatExemptionReason, l.VatExemptionCode,
        }), tx, cancellationToken: ct));
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, $"billing.credit_note.{kind}", "credit_note", id, null,
            JsonSerializer.SerializeToNode(new { note.Number, invoiceId = i.Id, invoiceNumber = i.Number, kind, reason, net, vat, gross = net + vat,
                lines = lines.Select(l => new { l.LineNo, l.Quantity, l.AmountCents }) })));
        return new CreditNoteDocument(note with { InvoiceId = i.Id }, lines.Select((l, n) => l with { InvoiceId = id }).ToList());
    }

    /// <summary>The next number of the year's credit-note series, counted up in the caller's transaction: a rollback leaves no gap.</summary>
    private async Task<string> NextNumberAsync(DbConnection c, DbTransaction tx, int year, CancellationToken ct)
    {
        var series = $"credit-note-{year:D4}";
        // The row lock the UPDATE takes makes a concurrent issuer wait for this transaction, then count on from its number.
        if (await c.ExecuteAsync(new CommandDefinition(BillingSql.NextInSeries, new { series }, tx, cancellationToken: ct)) == 0)
        {
            await BillingStore.InsertIgnoringDuplicatesAsync(c, tx, database.Dialect, "document_series",
                [new("series", new[] { series }), new("last_no", new[] { 0L })], ["series"], null, ct);
            await c.ExecuteAsync(new CommandDefinition(BillingSql.NextInSeries, new { series }, tx, cancellationToken: ct));
        }
        var n = await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.LastInSeries, new { series }, tx, cancellationToken: ct));
        return $"{options.Value.InvoiceNumberPrefix}-GS-{year:D4}-{n:D6}";
    }

    private static async Task<Dictionary<long, CreditedRow>> CreditedAsync(DbConnection c, DbTransaction tx, string invoiceId, CancellationToken ct) =>
        (await c.QueryAsync<CreditedRow>(new CommandDefinition(BillingSql.CreditedOfInvoice, new { invoiceId }, tx, cancellationToken: ct)))
        .ToDictionary(r => r.LineNo);
}
