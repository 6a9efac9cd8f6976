using System.Text.Json;
using System.Text.RegularExpressions;
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

/// <summary>A municipality's billing account: the invoice address, the payment channel and, for XRechnung, its Leitweg-ID.</summary>
public sealed record BillingAccount(
    string MunicipalityAgs, string PaymentChannel, string? LeitwegId, string LegalName, string Street, string PostalCode, string City,
    string CountryCode, string Email, string? StripeCustomerId = null);

/// <summary>Reads and changes billing accounts; every change is audited.</summary>
public sealed partial class BillingAccountService(Database database, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Leitweg-ID: coarse address (2-12 digits), optional fine address (up to 30 characters), check digits (2).</summary>
    [GeneratedRegex(@"^[0-9]{2,12}(-[0-9A-Za-z]{1,30})?-[0-9]{2}$")]
    private static partial Regex LeitwegPattern();

    public async Task<BillingAccount?> GetAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<BillingAccount>(new CommandDefinition(BillingSql.AccountByAgs, new { ags }, cancellationToken: ct));
    }

    public async Task<BillingAccount> SaveAsync(BillingAccount account, Actor actor, CancellationToken ct = default)
    {
        Validate(account);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(BillingSql.MunicipalityExists, new { ags = account.MunicipalityAgs }, tx, cancellationToken: ct)) == 0)
            throw new BillingNotFoundException($"No municipality {account.MunicipalityAgs}.");
        var before = await c.QuerySingleOrDefaultAsync<BillingAccount>(new CommandDefinition(BillingSql.AccountByAgs, new { ags = account.MunicipalityAgs }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BillingSql.UpsertAccount(database.Dialect), new
        {
            municipality_ags = account.MunicipalityAgs, payment_channel = account.PaymentChannel, leitweg_id = account.LeitwegId,
            legal_name = account.LegalName, street = account.Street, postal_code = account.PostalCode, city = account.City,
            country_code = account.CountryCode, email = account.Email, updated_at = BillingStore.Timestamp(clock.GetUtcNow()),
        }, tx, cancellationToken: ct));
        var after = account with { StripeCustomerId = before?.StripeCustomerId };
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "billing.account.save", "billing_account",
            account.MunicipalityAgs, before is null ? null : JsonSerializer.SerializeToNode(before), JsonSerializer.SerializeToNode(after)));
        await tx.CommitAsync(ct);
        return after;
    }

    private static void Validate(BillingAccount a)
    {
        if (a.PaymentChannel is not (PaymentChannels.XRechnung or PaymentChannels.Stripe))
            throw new BillingValidationException("paymentChannel", "The payment channel is 'xrechnung' or 'stripe'.");
        if (a.PaymentChannel == PaymentChannels.XRechnung && (a.LeitwegId is null || !LeitwegPattern().IsMatch(a.LeitwegId)))
            throw new BillingValidationException("leitwegId", "XRechnung needs the municipality's Leitweg-ID (e.g. 991-12345-67).");
        foreach (var (field, value) in new[] { ("legalName", a.LegalName), ("street", a.Street), ("postalCode", a.PostalCode), ("city", a.City), ("email", a.Email) })
            if (string.IsNullOrWhiteSpace(value)) throw new BillingValidationException(field, "Required for the invoice address.");
        if (a.CountryCode is not { Length: 2 }) throw new BillingValidationException("countryCode", "An ISO 3166-1 alpha-2 country code.");
        if (!a.Email.Contains('@')) throw new BillingValidationException("email", "An e-mail address.");
    }
}
