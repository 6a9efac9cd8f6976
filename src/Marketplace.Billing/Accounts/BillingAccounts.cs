using System.Text.Json;
using Dapper;
using Marketplace.Audit;
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
public sealed class BillingAccountService(Database database, AuditTrail audit, TimeProvider clock)
{
    public async Task<BillingAccount?> GetAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<BillingAccount>(new CommandDefinition(BillingSql.AccountByAgs, new { ags }, cancellationToken: ct));
    }

    /// <summary>The account's checklist: what is missing before the municipality's invoices can be issued.</summary>
    public async Task<BillingReadiness> ReadinessAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await BillingReadiness.ReadAsync(c, null, ags, ct);
    }

    public async Task<BillingAccount> SaveAsync(BillingAccountSettings settings, Actor actor, CancellationToken ct = default)
    {
        Validate(settings);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.MunicipalityExists, new { ags = settings.MunicipalityAgs }, tx, cancellationToken: ct)) == 0)
            throw new NotFoundException("municipality", settings.MunicipalityAgs);
        if (settings.PaymentChannel == PaymentChannels.XRechnung
            && string.IsNullOrWhiteSpace(await c.ExecuteScalarAsync<string?>(new CommandDefinition(BillingSql.LeitwegIdOfMunicipality, new { ags = settings.MunicipalityAgs }, tx, cancellationToken: ct))))
            throw RequestValidationException.Coded("leitwegId", "billing-account.leitweg-id-missing",
                "Für XRechnung braucht es die Leitweg-ID der Kommune; tragen Sie sie zuerst bei den Rechnungsangaben der Organisation ein.");
        var before = await c.QuerySingleOrDefaultAsync<BillingAccount>(new CommandDefinition(BillingSql.AccountByAgs, new { ags = settings.MunicipalityAgs }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BillingSql.UpsertAccount(database.Dialect), new
        {
            municipality_ags = settings.MunicipalityAgs, payment_channel = settings.PaymentChannel, country_code = settings.CountryCode,
            email = settings.Email, updated_at = BillingStore.Timestamp(clock.GetUtcNow()),
        }, tx, cancellationToken: ct));
        var after = (await c.QuerySingleOrDefaultAsync<BillingAccount>(new CommandDefinition(BillingSql.AccountByAgs, new { ags = settings.MunicipalityAgs }, tx, cancellationToken: ct)))!;
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.account.save", "billing_account",
            settings.MunicipalityAgs, before is null ? null : JsonSerializer.SerializeToNode(before), JsonSerializer.SerializeToNode(after)));
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
