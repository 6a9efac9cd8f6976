using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.XRechnung;
using Marketplace.Catalog.Queries;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Invoices;

/// <summary>What finalizing a month issued, and what it left as drafts: every reason in Problems, incomplete accounts also itemised.</summary>
public sealed record FinalizeResult(IReadOnlyList<Invoice> Finalized, IReadOnlyList<ConflictException> Problems, IReadOnlyList<IncompleteAccount> Incomplete);

/// <summary>
/// Reads invoices and moves them through their states: draft → finalized → paid (payment_failed on the way), or void;
/// voiding an issued invoice issues its credit note in the same transaction.
/// Each change locks the invoice, checks the transition and appends its audit entry in the same transaction; asking for
/// the state an invoice already has changes nothing and reports false, so retried calls and redelivered webhooks are harmless.
/// </summary>
public sealed class InvoiceService(
    Database database, AuditTrail audit, BillingCalendar calendar, TimeProvider clock, IOptions<BillingOptions> options, BillingAccountService accounts,
    OfferingRecords offerings)
{
    private readonly CreditNoteService _creditNotes = new(database, audit, calendar, clock, options);

    public async Task<InvoiceDocument?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await ReadAsync(c, null, id, ct);
    }

    /// <summary>An issued invoice of this municipality, or null: another municipality's invoice and a draft do not exist for it.</summary>
    public async Task<InvoiceDocument?> IssuedForMunicipalityAsync(string ags, string invoiceId, CancellationToken ct = default) =>
        await GetAsync(invoiceId, ct) is { } d && d.Invoice.MunicipalityAgs == ags && d.Invoice.State != InvoiceStates.Draft ? d : null;

    /// <summary>The catalogue's names (German, English where given) of the offerings, plans and extras on these lines.</summary>
    public async Task<InvoiceLineNames> NamesAsync(IEnumerable<InvoiceLine> lines, CancellationToken ct = default)
    {
        var ids = lines.Select(l => l.OfferingId).Distinct().ToArray();
        if (ids.Length == 0) return new InvoiceLineNames(new Dictionary<(string, string, string), (string, string?)>());
        await using var c = await database.OpenAsync(ct);
        var names = await offerings.ItemNamesAsync(c, null, ids, ct);
        return new InvoiceLineNames(names.ToDictionary(r => (r.OfferingId, r.PlanId, r.ExtraId), r => (r.Name, r.NameEn)));
    }

    public async Task<IReadOnlyList<Invoice>> ListForMunicipalityAsync(string ags, int limit = 50, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Invoice>(new CommandDefinition(BillingSql.InvoicesOfMunicipality(database.Dialect), new { ags, limit, offset }, cancellationToken: ct))).ToList();
    }

    /// <summary>A municipality's issued invoices, newest first; drafts stay with the platform until they are finalized.</summary>
    public async Task<IReadOnlyList<Invoice>> ListIssuedForMunicipalityAsync(string ags, int limit = 50, int offset = 0, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Invoice>(new CommandDefinition(BillingSql.IssuedInvoicesOfMunicipality(database.Dialect), new { ags, limit, offset }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<Invoice>> ListForPeriodAsync(BillingMonth month, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Invoice>(new CommandDefinition(BillingSql.InvoicesOfPeriod, new { period = month.Period }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Issues a draft: freezes buyer (from the billing account) and seller, sets issue and due date, and takes the account's
    /// payment channel. An XRechnung invoice is only issued if it passes the EN 16931 and BR-DE checks.
    /// </summary>
    public async Task<Invoice> FinalizeAsync(string id, Actor actor, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var state = await LockAsync(c, tx, id, ct);
        if (state != InvoiceStates.Draft)
        {
            if (state == InvoiceStates.Finalized) return (await ReadAsync(c, tx, id, ct))!.Invoice;
            throw new ConflictException($"Rechnung {id} hat den Status „{state}“; stellen lässt sich nur ein Entwurf.") { Code = "invoice.not-draft", Args = [id, StateWord(state)] };
        }
        var document = (await ReadAsync(c, tx, id, ct))!;
        var (found, readiness) = await accounts.ReadAsync(c, tx, document.Invoice.MunicipalityAgs, ct);
        if (!readiness.Ready) throw new BillingAccountIncompleteException(document.Invoice.Number, readiness);
        var account = found!;
        var today = calendar.LocalDate(clock.GetUtcNow());
        var buyer = new InvoiceBuyer(account.MunicipalityAgs, account.LegalName, account.LeitwegId, account.Street, account.PostalCode, account.City, account.CountryCode, account.Email);
        var finalized = document.Invoice with
        {
            State = InvoiceStates.Finalized, PaymentChannel = account.PaymentChannel, IssueDate = BillingStore.Date(today),
            DueDate = BillingStore.Date(today.AddDays(options.Value.PaymentTermDays)),
            BuyerJson = JsonSerializer.Serialize(buyer), SellerJson = JsonSerializer.Serialize(InvoiceSeller.From(options.Value.Seller)),
        };
        if (account.PaymentChannel == PaymentChannels.XRechnung)
        {
            var problems = XRechnungRules.Check(XRechnungWriter.Write(new InvoiceDocument(finalized, document.Lines)));
            if (problems.Count > 0)
                throw new ConflictException($"Rechnung {finalized.Number} wäre keine gültige XRechnung: {string.Join("; ", problems)}")
                    { Code = "invoice.not-xrechnung", Args = [finalized.Number, string.Join("; ", problems)] };
        }
        await c.ExecuteAsync(new CommandDefinition(BillingSql.Finalize, new
        {
            id, channel = finalized.PaymentChannel, issueDate = finalized.IssueDate, dueDate = finalized.DueDate,
            buyerJson = finalized.BuyerJson, sellerJson = finalized.SellerJson, now = clock.GetUtcNow(),
        }, tx, cancellationToken: ct));
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.invoice.finalize", "invoice", id,
            JsonSerializer.SerializeToNode(new { state = InvoiceStates.Draft }),
            JsonSerializer.SerializeToNode(new { state = InvoiceStates.Finalized, finalized.Number, finalized.PaymentChannel, finalized.IssueDate, finalized.DueDate, finalized.GrossCents })));
        await tx.CommitAsync(ct);
        return (await ReadAsync(c, null, id, ct))!.Invoice;
    }

    /// <summary>
    /// Finalizes every draft of a month; drafts that cannot be issued yet are reported, not thrown: each in Problems, and
    /// those of an incomplete billing account also in Incomplete with the checklist items still open.
    /// </summary>
    public async Task<FinalizeResult> FinalizePeriodAsync(BillingMonth month, Actor actor, CancellationToken ct = default)
    {
        List<string> ids;
        await using (var c = await database.OpenAsync(ct))
            ids = (await c.QueryAsync<string>(new CommandDefinition(BillingSql.DraftIdsOfPeriod, new { period = month.Period }, cancellationToken: ct))).ToList();
        var finalized = new List<Invoice>();
        var problems = new List<ConflictException>();
        var incomplete = new List<IncompleteAccount>();
        foreach (var id in ids)
        {
            try { finalized.Add(await FinalizeAsync(id, actor, ct)); }
            catch (ConflictException e)
            {
                problems.Add(e);
                if (e is BillingAccountIncompleteException a) incomplete.Add(new IncompleteAccount(a.InvoiceNumber, a.Readiness.MunicipalityAgs, a.Readiness.MunicipalityName, a.Readiness.Open));
            }
        }
        return new FinalizeResult(finalized, problems, incomplete);
    }

    public Task<bool> MarkPaidAsync(string id, Actor actor, CancellationToken ct = default) => ChangeAsync(id, InvoiceStates.Paid, null, actor, ct);

    public Task<bool> MarkPaymentFailedAsync(string id, string reason, Actor actor, CancellationToken ct = default) =>
        ChangeAsync(id, InvoiceStates.PaymentFailed, reason, actor, ct);

    /// <summary>Voids an invoice; an issued one gets its credit note (the whole remaining amount) in the same transaction.</summary>
    public Task<bool> VoidAsync(string id, Actor actor, CancellationToken ct = default) => ChangeAsync(id, InvoiceStates.Void, null, actor, ct);

    private async Task<bool> ChangeAsync(string id, string target, string? failure, Actor actor, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await ChangeAsync(c, tx, id, target, failure, actor, ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    /// <summary>
    /// Moves an invoice to paid, payment_failed or void inside the caller's transaction. Returns false when nothing changed:
    /// the invoice is in that state already, or a payment failure arrives after the payment (Stripe's events can come out of order).
    /// </summary>
    internal async Task<bool> ChangeAsync(DbConnection c, DbTransaction tx, string id, string target, string? failure, Actor actor, CancellationToken ct)
    {
        var state = await LockAsync(c, tx, id, ct);
        var allowed = (state, target) switch
        {
            (_, _) when state == target => (bool?)null,
            (InvoiceStates.Paid, InvoiceStates.PaymentFailed) => null,
            (InvoiceStates.Finalized or InvoiceStates.PaymentFailed, InvoiceStates.Paid or InvoiceStates.PaymentFailed) => true,
            (InvoiceStates.Draft or InvoiceStates.Finalized or InvoiceStates.PaymentFailed, InvoiceStates.Void) => true,
            _ => false,
        };
        if (allowed is null) return false;
        if (allowed == false)
            throw new ConflictException($"Rechnung {id} hat den Status „{state}“; der Status „{target}“ ist von dort nicht möglich.")
                { Code = "invoice.transition", Args = [id, StateWord(state), StateWord(target)] };
        await c.ExecuteAsync(new CommandDefinition(BillingSql.SetState, new { id, state = target, failure, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        var creditNote = target == InvoiceStates.Void && state != InvoiceStates.Draft ? await _creditNotes.IssueForVoidAsync(c, tx, id, actor, ct) : null;
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, $"billing.invoice.{target}", "invoice", id,
            JsonSerializer.SerializeToNode(new { state }), JsonSerializer.SerializeToNode(new { state = target, failure, creditNote = creditNote?.CreditNote.Number })));
        return true;
    }

    /// <summary>An invoice's state as a refusal names it, worded in the reader's language ("Billing.State.void").</summary>
    internal static ResourceWord StateWord(string state) => new("Billing.State." + state, state);

    private async Task<string> LockAsync(DbConnection c, DbTransaction tx, string id, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(BillingSql.LockInvoice(database.Dialect), new { id }, tx, cancellationToken: ct))
        ?? throw new NotFoundException("invoice", id);

    internal static async Task<InvoiceDocument?> ReadAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct)
    {
        var invoice = await c.QuerySingleOrDefaultAsync<Invoice>(new CommandDefinition(BillingSql.InvoiceById, new { id }, tx, cancellationToken: ct));
        if (invoice is null) return null;
        var lines = await c.QueryAsync<InvoiceLine>(new CommandDefinition(BillingSql.LinesOfInvoice, new { id }, tx, cancellationToken: ct));
        return new InvoiceDocument(invoice, lines.ToList());
    }
}
