using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Identity.Organisations;
using Marketplace.Storage;

namespace Marketplace.Billing.Accounts;

/// <summary>How a municipality receives and pays its invoices.</summary>
public static class PaymentChannels
{
    /// <summary>An XRechnung (UBL) to the Leitweg-ID, paid by credit transfer.</summary>
    public const string XRechnung = "xrechnung";
    /// <summary>An invoice in Stripe, paid there.</summary>
    public const string Stripe = "stripe";
}

/// <summary>
/// A municipality's billing account as invoices need it. The Leitweg-ID and the invoice address (recipient, street, postal
/// code, city) are the municipality organisation's (identity, <c>PUT /api/v1/municipalities/{ags}/billing</c>), the one
/// place they are kept; the payment channel, the invoice e-mail, the country and the Stripe customer are billing's own.
/// </summary>
public sealed record BillingAccount(
    string MunicipalityAgs, string PaymentChannel, string? LeitwegId, string LegalName, string Street, string PostalCode, string City,
    string CountryCode, string Email, string? StripeCustomerId = null);

/// <summary>What a municipality chooses for billing itself: how it pays and where invoice mail goes.</summary>
public sealed record BillingAccountSettings(string MunicipalityAgs, string PaymentChannel, string Email, string CountryCode = "DE");

/// <summary>Reads and changes billing accounts; every change is audited.</summary>
public sealed class BillingAccountService(Database database, AuditTrail audit, TimeProvider clock, OrganisationStore organisations, MunicipalityDirectory municipalities)
{
    private sealed record AccountRow(string MunicipalityAgs, string PaymentChannel, string CountryCode, string Email, string? StripeCustomerId);

    public async Task<BillingAccount?> GetAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await ReadAsync(c, null, ags, ct)).Account;
    }

    /// <summary>The account's checklist: what is missing before the municipality's invoices can be issued.</summary>
    public async Task<BillingReadiness> ReadinessAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await ReadAsync(c, null, ags, ct)).Readiness;
    }

    /// <summary>
    /// The account (null while there is none) with the municipality organisation's Leitweg-ID and address, and its checklist,
    /// read on the caller's connection and inside its transaction when it has one.
    /// </summary>
    internal async Task<(BillingAccount? Account, BillingReadiness Readiness)> ReadAsync(DbConnection c, DbTransaction? tx, string ags, CancellationToken ct)
    {
        var municipality = await municipalities.GetAsync(c, tx, ags, ct);
        if (municipality is null) return (null, BillingReadiness.Of(ags, new BillingReadiness.Row()));
        var a = await c.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(BillingSql.AccountByAgs, new { ags }, tx, cancellationToken: ct));
        var o = await organisations.GetByAgsAsync(c, tx, ags, ct) is { IsMunicipality: true } org ? org : null;
        var recipient = o?.BillingRecipient ?? o?.Name ?? municipality.Name;
        var account = a is null ? null
            : new BillingAccount(ags, a.PaymentChannel, o?.LeitwegId, recipient, o?.BillingStreet ?? "", o?.BillingPostalCode ?? "", o?.BillingCity ?? "",
                a.CountryCode, a.Email, a.StripeCustomerId);
        return (account, BillingReadiness.Of(ags, new BillingReadiness.Row
        {
            MunicipalityName = municipality.Name, LeitwegId = o?.LeitwegId, Recipient = recipient, Street = o?.BillingStreet,
            PostalCode = o?.BillingPostalCode, City = o?.BillingCity, PaymentChannel = a?.PaymentChannel, Email = a?.Email,
        }));
    }

    public async Task<BillingAccount> SaveAsync(BillingAccountSettings settings, Actor actor, CancellationToken ct = default)
    {
        Validate(settings);
        var ags = settings.MunicipalityAgs;
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await municipalities.GetAsync(c, tx, ags, ct) is null) throw new NotFoundException("municipality", ags);
        if (settings.PaymentChannel == PaymentChannels.XRechnung
            && string.IsNullOrWhiteSpace((await organisations.GetByAgsAsync(c, tx, ags, ct) is { IsMunicipality: true } org ? org : null)?.LeitwegId))
            throw RequestValidationException.Coded("leitwegId", "billing-account.leitweg-id-missing",
                "Für XRechnung braucht es die Leitweg-ID der Kommune; tragen Sie sie zuerst bei den Rechnungsangaben der Organisation ein.");
        var (before, _) = await ReadAsync(c, tx, ags, ct);
        await c.ExecuteAsync(new CommandDefinition(BillingSql.UpsertAccount(database.Dialect), new
        {
            municipality_ags = ags, payment_channel = settings.PaymentChannel, country_code = settings.CountryCode,
            email = settings.Email, updated_at = clock.GetUtcNow(),
        }, tx, cancellationToken: ct));
        var after = (await ReadAsync(c, tx, ags, ct)).Account!;
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.account.save", "billing_account",
            ags, before is null ? null : JsonSerializer.SerializeToNode(before), JsonSerializer.SerializeToNode(after)));
        await tx.CommitAsync(ct);
        return after;
    }

    private static void Validate(BillingAccountSettings a)
    {
        if (a.PaymentChannel is not (PaymentChannels.XRechnung or PaymentChannels.Stripe))
            throw RequestValidationException.Coded("paymentChannel", "billing-account.payment-channel", "Der Zahlungsweg ist „xrechnung“ oder „stripe“.");
        if (string.IsNullOrWhiteSpace(a.Email) || !a.Email.Contains('@') || a.Email.Length > 320)
            throw RequestValidationException.Coded("email", "billing-account.email", "Die E-Mail-Adresse für Rechnungen fehlt oder ist ungültig.");
        if (a.CountryCode is not { Length: 2 }) throw RequestValidationException.Coded("countryCode", "billing-account.country-code", "Der Ländercode hat zwei Buchstaben nach ISO 3166-1 alpha-2, etwa DE.");
    }
}
