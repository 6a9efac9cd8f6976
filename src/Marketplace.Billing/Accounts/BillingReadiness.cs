using Marketplace.Identity.Organisations;

namespace Marketplace.Billing.Accounts;

/// <summary>What a municipality's billing account needs before its invoices can be issued, one item each.</summary>
public static class BillingCheckItems
{
    /// <summary>Invoice recipient, street, postal code and city (the municipality organisation's).</summary>
    public const string Address = "address";
    /// <summary>The Leitweg-ID with matching check digits: where XRechnung is routed; without one it goes by e-mail; Stripe needs none.</summary>
    public const string LeitwegId = "leitweg-id";
    public const string PaymentChannel = "payment-channel";
    /// <summary>Where invoice mail goes (the e-mail receiver; Stripe's customer address).</summary>
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [Address, LeitwegId, PaymentChannel, Email];
}

/// <summary>How an item of the checklist stands.</summary>
public static class BillingCheckStates
{
    public const string Done = "done";
    public const string Missing = "missing";
    /// <summary>Given but not usable (a Leitweg-ID whose check digits do not match).</summary>
    public const string Invalid = "invalid";
    /// <summary>Not needed for the chosen payment channel (the Leitweg-ID when paying by Stripe).</summary>
    public const string NotNeeded = "not-needed";
    /// <summary>No Leitweg-ID: the XRechnung goes to the invoice e-mail with the AGS as buyer reference (BR-DE-15); not blocking.</summary>
    public const string ByEmail = "by-email";
}

public sealed record BillingCheck(string Item, string State)
{
    public bool Open => State is BillingCheckStates.Missing or BillingCheckStates.Invalid;
}

/// <summary>The checklist of a municipality's billing account: invoices are issued only when no item is open.</summary>
public sealed record BillingReadiness(string MunicipalityAgs, string MunicipalityName, IReadOnlyList<BillingCheck> Checks)
{
    public bool Ready => !Checks.Any(c => c.Open);

    /// <summary>The items still missing or invalid, in checklist order.</summary>
    public IReadOnlyList<string> Open => Checks.Where(c => c.Open).Select(c => c.Item).ToList();

    internal sealed class Row
    {
        public string? MunicipalityName { get; init; }
        public string? LeitwegId { get; init; }
        public string? Recipient { get; init; }
        public string? Street { get; init; }
        public string? PostalCode { get; init; }
        public string? City { get; init; }
        public string? PaymentChannel { get; init; }
        public string? Email { get; init; }
    }

    internal static BillingReadiness Of(string ags, Row r)
    {
        static bool Given(string? s) => !string.IsNullOrWhiteSpace(s);
        var address = Given(r.Recipient) && Given(r.Street) && Given(r.PostalCode) && Given(r.City);
        var leitweg = !Given(r.LeitwegId)
            ? r.PaymentChannel == PaymentChannels.Stripe ? BillingCheckStates.NotNeeded : BillingCheckStates.ByEmail
            : Identity.Organisations.LeitwegId.IsValid(r.LeitwegId) ? BillingCheckStates.Done : BillingCheckStates.Invalid;
        return new BillingReadiness(ags, r.MunicipalityName ?? ags,
        [
            new(BillingCheckItems.Address, address ? BillingCheckStates.Done : BillingCheckStates.Missing),
            new(BillingCheckItems.LeitwegId, leitweg),
            new(BillingCheckItems.PaymentChannel, Given(r.PaymentChannel) ? BillingCheckStates.Done : BillingCheckStates.Missing),
            new(BillingCheckItems.Email, Given(r.Email) ? BillingCheckStates.Done : BillingCheckStates.Missing),
        ]);
    }
}

/// <summary>An invoice that stays a draft because its municipality's billing account is not complete.</summary>
public sealed class BillingAccountIncompleteException : ConflictException
{
    public BillingAccountIncompleteException(string invoiceNumber, BillingReadiness readiness)
        : base($"Das Rechnungskonto der Kommune {readiness.MunicipalityAgs} ist unvollständig (es fehlt: {string.Join(", ", readiness.Open)}); Rechnung {invoiceNumber} bleibt ein Entwurf.")
    {
        (InvoiceNumber, Readiness) = (invoiceNumber, readiness);
        Code = "billing-account.incomplete";
        Args = [readiness.MunicipalityAgs, readiness.Open.Select(item => new ResourceWord("BillingAccount.Missing." + item, item)).ToList(), invoiceNumber];
    }

    public string InvoiceNumber { get; }
    public BillingReadiness Readiness { get; }
}

/// <summary>A draft the finalisation left as it is because its municipality's billing account misses the named items.</summary>
public sealed record IncompleteAccount(string InvoiceNumber, string MunicipalityAgs, string MunicipalityName, IReadOnlyList<string> Open);
