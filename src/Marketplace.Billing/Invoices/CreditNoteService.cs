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
/// Issues credit notes: for the whole remaining amount when an issued invoice is voided or replaced by a corrected invoice,
/// and for the difference when one of its lines is corrected downwards. A credit note takes the next number of its own gapless series (PREFIX-GS-YYYY-NNNNNN,
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

    /// <summary>A credit note of this municipality, or null: another municipality's does not exist for it.</summary>
    public async Task<CreditNoteDocument?> ForMunicipalityAsync(string ags, string creditNoteId, CancellationToken ct = default) =>
        await GetAsync(creditNoteId, ct) is { } d && d.CreditNote.MunicipalityAgs == ags ? d : null;

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
    /// the difference. A higher quantity is refused: what was billed too little is billed by replacing the invoice
    /// (<see cref="ReplaceAsync"/>).
    /// </summary>
    public async Task<CreditNoteDocument> CorrectAsync(string invoiceId, IReadOnlyList<LineCorrection> corrections, string? reason, Actor actor, CancellationToken ct = default)
    {
        ValidateRequest(corrections, reason);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var (document, credited) = await LockIssuedAsync(c, tx, invoiceId, replacing: false, ct);
        var lines = new List<InvoiceLine>();
        foreach (var (i, line, current, corrected) in Resolve(document, credited, corrections))
        {
            if (corrected >= current.Quantity)
                throw RequestValidationException.Coded($"lines[{i}].quantity", "correction.not-lower",
                    $"Zeile {line.LineNo} steht bei {current.Quantity}; eine Korrektur senkt sie auf 0 bis {current.Quantity - 1}. Mehr berechnet eine ersetzende Rechnung (POST /api/v1/billing/invoices/{invoiceId}/replacement).",
                    line.LineNo, current.Quantity, current.Quantity - 1, invoiceId);
            var difference = current.Quantity - corrected;
            var amount = corrected == 0 ? current.AmountCents : Math.Min(Money.LineAmount(difference, line.UnitPriceCents, line.PriceBase), current.AmountCents);
            lines.Add(line with { Quantity = difference, AmountCents = amount });
        }
        var note = await IssueAsync(c, tx, document, CreditNoteKinds.Correction, reason!.Trim(), lines.Where(l => l.AmountCents > 0).ToList(), actor, ct);
        await tx.CommitAsync(ct);
        return note;
    }

    /// <summary>
    /// Corrects an issued invoice in any way that is not a pure reduction (usage reported too low, one line up and another
    /// down): one transaction voids it with a credit note for all that is left of it and issues a new invoice for the same
    /// municipality and month with the corrected quantities, numbered on in the month's gapless series and naming the
    /// original (BT-25/BT-26). The new invoice keeps the original's payment channel and parties; it is due after the usual term.
    /// </summary>
    public async Task<InvoiceReplacement> ReplaceAsync(string invoiceId, IReadOnlyList<LineCorrection> corrections, string? reason, Actor actor, CancellationToken ct = default)
    {
        ValidateRequest(corrections, reason);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var (document, credited) = await LockIssuedAsync(c, tx, invoiceId, replacing: true, ct);
        var original = document.Invoice;
        var corrected = new Dictionary<long, long>();
        foreach (var (i, line, current, quantity) in Resolve(document, credited, corrections))
        {
            if (line.Kind == ExtraKind.AddOn && quantity > line.PriceBase)
                throw RequestValidationException.Coded($"lines[{i}].quantity", "correction.add-on-days",
                    $"Zeile {line.LineNo} berechnet Tage eines Zusatzmoduls; höchstens {line.PriceBase.ToString(CultureInfo.InvariantCulture)} Tage des Monats.",
                    line.LineNo, line.PriceBase.ToString(CultureInfo.InvariantCulture));
            corrected[line.LineNo] = quantity;
        }
        var newLines = new List<InvoiceLine>();
        var raised = false;
        foreach (var line in document.Lines)
        {
            var current = Current(line, credited);
            var quantity = corrected.GetValueOrDefault(line.LineNo, current.Quantity);
            raised |= quantity > current.Quantity;
            var amount = quantity == current.Quantity ? current.AmountCents : Money.LineAmount(quantity, line.UnitPriceCents, line.PriceBase);
            if (quantity > 0 && amount > 0) newLines.Add(line with { LineNo = newLines.Count + 1, Quantity = quantity, AmountCents = amount });
        }
        if (!raised)
            throw RequestValidationException.Coded("lines", "correction.only-lowers",
                $"Die Korrektur senkt nur Mengen; Rechnung {original.Number} bleibt und erhält eine Gutschrift über den Unterschied (POST /api/v1/billing/invoices/{invoiceId}/corrections).",
                original.Number, invoiceId);
        if (newLines.Count == 0)
            throw RequestValidationException.Coded("lines", "correction.bills-nothing", "Die korrigierte Rechnung würde nichts berechnen; stornieren Sie die Rechnung stattdessen.");

        var now = clock.GetUtcNow();
        var today = calendar.LocalDate(now);
        // The month's row, locked as the billing run locks it: invoice numbers of the month are counted under this lock.
        await BillingStore.LockPeriodsAsync(c, tx, database.Dialect, [original.Period], RowLock.Update, ct);
        await c.ExecuteAsync(new CommandDefinition(BillingSql.SetState, new { id = invoiceId, state = InvoiceStates.Void, failure = (string?)null,
            now }, tx, cancellationToken: ct));
        var count = await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.InvoiceCount, new { period = original.Period }, tx, cancellationToken: ct));
        var month = BillingMonth.Parse(original.Period);
        var id = Guid.CreateVersion7(now).ToString();
        var groups = VatBreakdown.Of(newLines, l => l.Vat, l => l.AmountCents);
        var (net, vat) = (newLines.Sum(l => l.AmountCents), groups.Sum(g => g.VatCents));
        var replacement = original with
        {
            Id = id, Number = $"{options.Value.InvoiceNumberPrefix}-{month.Year:D4}{month.Month:D2}-{count + 1:D6}", State = InvoiceStates.Finalized,
            NetCents = net, VatRateBasisPoints = newLines.Count == 0 ? original.VatRateBasisPoints : newLines.Max(l => l.VatRateBasisPoints),
            VatCents = vat, GrossCents = net + vat, IssueDate = BillingStore.Date(today), DueDate = BillingStore.Date(today.AddDays(options.Value.PaymentTermDays)),
            StripeInvoiceId = null, StripePushedAt = null, PaymentFailure = null, CreatedAt = now, UpdatedAt = now,
            ReplacesInvoiceId = original.Id, ReplacesInvoiceNumber = original.Number, ReplacesInvoiceIssueDate = original.IssueDate,
            ReplacedByInvoiceId = null, ReplacedByInvoiceNumber = null,
        };
        var invoice = new InvoiceDocument(replacement, newLines.Select(l => l with { InvoiceId = id }).ToList());
        if (replacement.PaymentChannel == PaymentChannels.XRechnung)
        {
            var problems = XRechnungRules.Check(XRechnungWriter.Write(invoice));
            if (problems.Count > 0)
                throw new ConflictException($"Die Rechnung, die {original.Number} ersetzt, wäre keine gültige XRechnung: {string.Join("; ", problems)}")
                    { Code = "correction.replacement-not-xrechnung", Args = [original.Number, string.Join("; ", problems)] };
        }
        var note = await IssueRemainingAsync(c, tx, document, credited, CreditNoteKinds.Replacement,
            $"{reason!.Trim()} Ersetzt durch Rechnung {replacement.Number}.", actor, ct)
            ?? throw new ConflictException($"Von Rechnung {original.Number} ist nichts mehr übrig, das sich ersetzen ließe.")
                { Code = "credit-note.nothing-to-replace", Args = [original.Number] };
        await c.ExecuteAsync(new CommandDefinition(BillingSql.InsertReplacementInvoice, replacement, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BillingSql.InsertInvoiceLine, invoice.Lines, tx, cancellationToken: ct));
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.invoice.replace", "invoice", invoiceId,
            JsonSerializer.SerializeToNode(new { state = original.State, original.Number, original.GrossCents }),
            JsonSerializer.SerializeToNode(new
            {
                state = InvoiceStates.Void, creditNote = note.CreditNote.Number, replacement = new { id, replacement.Number, net, vat, gross = net + vat },
                reason = reason.Trim(), lines = corrections.Select(x => new { x.LineNo, x.Quantity }),
            })));
        await tx.CommitAsync(ct);
        return new InvoiceReplacement(note, invoice);
    }

    /// <summary>
    /// The credit note cancelling what is left of an issued invoice (all of it, less earlier corrections), inside the caller's
    /// transaction that voids it. Null when nothing is left to credit.
    /// </summary>
    internal async Task<CreditNoteDocument?> IssueForVoidAsync(DbConnection c, DbTransaction tx, string invoiceId, Actor actor, CancellationToken ct)
    {
        var document = (await InvoiceService.ReadAsync(c, tx, invoiceId, ct))!;
        return await IssueRemainingAsync(c, tx, document, await CreditedAsync(c, tx, invoiceId, ct), CreditNoteKinds.Void,
            $"Rechnung {document.Invoice.Number} storniert.", actor, ct);
    }

    private async Task<CreditNoteDocument?> IssueRemainingAsync(DbConnection c, DbTransaction tx, InvoiceDocument document,
        Dictionary<long, CreditedRow> credited, string kind, string reason, Actor actor, CancellationToken ct)
    {
        var remaining = document.Lines
            .Select(l => l with { Quantity = Current(l, credited).Quantity, AmountCents = Current(l, credited).AmountCents })
            .Where(l => l.AmountCents > 0)
            .ToList();
        if (remaining.Count == 0) return null;
        return await IssueAsync(c, tx, document, kind, reason, remaining, actor, ct);
    }

    private static void ValidateRequest(IReadOnlyList<LineCorrection> corrections, string? reason)
    {
        if (corrections.Count == 0) throw RequestValidationException.Coded("lines", "correction.lines-missing", "Nennen Sie mindestens eine Zeile und ihre korrigierte Menge.");
        if (string.IsNullOrWhiteSpace(reason)) throw RequestValidationException.Coded("reason", "correction.reason-missing", "Begründen Sie die Korrektur; die Gutschrift nennt den Grund.");
        if (reason.Length > 500) throw new RequestValidationException([FieldError.TooLong("reason", 500)]);
    }

    /// <summary>Locks an issued invoice that is not void and reads it with what earlier credit notes credited of each line.</summary>
    private async Task<(InvoiceDocument Document, Dictionary<long, CreditedRow> Credited)> LockIssuedAsync(DbConnection c, DbTransaction tx, string invoiceId,
        bool replacing, CancellationToken ct)
    {
        var (code, german) = replacing ? ("invoice.not-replaceable", "ersetzen") : ("invoice.not-correctable", "korrigieren");
        var state = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(BillingSql.LockInvoice(database.Dialect), new { id = invoiceId }, tx, cancellationToken: ct))
            ?? throw new NotFoundException("invoice", invoiceId);
        if (state is not (InvoiceStates.Finalized or InvoiceStates.Paid or InvoiceStates.PaymentFailed))
            throw new ConflictException($"Rechnung {invoiceId} hat den Status „{state}“; {german} lässt sich nur eine gestellte Rechnung, die nicht storniert ist.")
                { Code = code, Args = [invoiceId, InvoiceService.StateWord(state)] };
        return ((await InvoiceService.ReadAsync(c, tx, invoiceId, ct))!, await CreditedAsync(c, tx, invoiceId, ct));
    }

    /// <summary>Each named line of the invoice with what is left of it and its corrected quantity; the field at fault when one is wrong.</summary>
    private static IEnumerable<(int Index, InvoiceLine Line, CreditedRow Current, long Quantity)> Resolve(InvoiceDocument document,
        Dictionary<long, CreditedRow> credited, IReadOnlyList<LineCorrection> corrections)
    {
        for (var i = 0; i < corrections.Count; i++)
        {
            var correction = corrections[i];
            var line = document.Lines.FirstOrDefault(l => l.LineNo == correction.LineNo)
                ?? throw RequestValidationException.Coded($"lines[{i}].lineNo", "correction.unknown-line", $"Rechnung {document.Invoice.Number} hat keine Zeile {correction.LineNo}.",
                    document.Invoice.Number, correction.LineNo);
            if (corrections.Take(i).Any(x => x.LineNo == correction.LineNo))
                throw RequestValidationException.Coded($"lines[{i}].lineNo", "correction.line-twice", $"Zeile {correction.LineNo} ist doppelt genannt.", correction.LineNo);
            if (correction.Quantity < 0)
                throw RequestValidationException.Coded($"lines[{i}].quantity", "correction.negative-quantity", $"Zeile {line.LineNo}: Die Menge ist 0 oder mehr.", line.LineNo);
            yield return (i, line, Current(line, credited), correction.Quantity);
        }
    }

    /// <summary>What is left of a line after earlier credit notes.</summary>
    private static CreditedRow Current(InvoiceLine line, Dictionary<long, CreditedRow> credited) =>
        credited.GetValueOrDefault(line.LineNo) is { } done
            ? new CreditedRow { LineNo = line.LineNo, Quantity = line.Quantity - done.Quantity, AmountCents = line.AmountCents - done.AmountCents }
            : new CreditedRow { LineNo = line.LineNo, Quantity = line.Quantity, AmountCents = line.AmountCents };

    private async Task<CreditNoteDocument> IssueAsync(DbConnection c, DbTransaction tx, InvoiceDocument invoice, string kind, string reason,
        List<InvoiceLine> lines, Actor actor, CancellationToken ct)
    {
        if (lines.Count == 0)
            throw new ConflictException($"Von Rechnung {invoice.Invoice.Number} ist nichts mehr übrig, das sich gutschreiben ließe.")
                { Code = "credit-note.nothing-to-credit", Args = [invoice.Invoice.Number] };
        var now = clock.GetUtcNow();
        var today = calendar.LocalDate(now);
        var number = await NextNumberAsync(c, tx, today.Year, ct);
        var id = Guid.CreateVersion7(now).ToString();
        var groups = VatBreakdown.Of(lines, l => l.Vat, l => l.AmountCents);
        var (net, vat) = (lines.Sum(l => l.AmountCents), groups.Sum(g => g.VatCents));
        var i = invoice.Invoice;
        var note = new CreditNote(id, number, i.Id, i.Number, i.IssueDate!, i.MunicipalityAgs, i.Period, i.PeriodStart, i.PeriodEnd, kind, reason,
            i.Currency, net, vat, net + vat, BillingStore.Date(today), i.PaymentChannel, i.BuyerJson!, i.SellerJson!, null, now);
        var document = new CreditNoteDocument(note, lines);
        if (i.PaymentChannel == PaymentChannels.XRechnung)
        {
            var problems = XRechnungRules.Check(XRechnungWriter.Write(document));
            if (problems.Count > 0)
                throw new ConflictException($"Die Gutschrift zu Rechnung {i.Number} wäre keine gültige XRechnung: {string.Join("; ", problems)}")
                    { Code = "credit-note.not-xrechnung", Args = [i.Number, string.Join("; ", problems)] };
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
