using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing;

/// <summary>Configuration section "Billing".</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>Events per usage batch, at most.</summary>
    public const int MaxBatchSize = 1_000;

    /// <summary>VAT rate in percent of price items that name none (each invoice line keeps the rate it was billed with).</summary>
    public decimal VatRatePercent { get; set; } = 19m;

    /// <summary>VAT category (S, Z, E, O) of price items that name none; AE is refused (the platform keeps no buyer VAT ids).</summary>
    public string VatCategory { get; set; } = VatCategories.Standard;

    /// <summary>Exemption reason text (BT-120) with the default category, required for E and O.</summary>
    public string? VatExemptionReason { get; set; }

    /// <summary>Exemption reason code (BT-121, VATEX-EU-…) with the default category.</summary>
    public string? VatExemptionReasonCode { get; set; }

    /// <summary>Defaults per Land (key: two-digit Land code, the first two digits of the AGS) where the law differs.</summary>
    public Dictionary<string, VatDefaultOptions> VatByLand { get; set; } = [];

    /// <summary>IANA time zone whose calendar months and days are billed.</summary>
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Days from the issue date to the due date.</summary>
    public int PaymentTermDays { get; set; } = 30;

    /// <summary>Prefix of invoice numbers: PREFIX-YYYYMM-NNNNNN.</summary>
    public string InvoiceNumberPrefix { get; set; } = "MP";

    /// <summary>How far in the future a usage timestamp may lie (clocks of vendors drift).</summary>
    public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public SellerOptions Seller { get; set; } = new();
    public StripeOptions Stripe { get; set; } = new();
    public BillingSchedulerOptions Scheduler { get; set; } = new();

    public int VatRateBasisPoints => (int)decimal.Round(VatRatePercent * 100m);

    /// <summary>The VAT treatment of a price item that names none, for a municipality (by the Land in its AGS).</summary>
    public VatTreatment DefaultVat(string municipalityAgs) =>
        municipalityAgs.Length >= 2 && VatByLand.TryGetValue(municipalityAgs[..2], out var land) ? land.ToTreatment()
        : new VatTreatment(VatCategory, VatRateBasisPoints, Blank(VatExemptionReason), Blank(VatExemptionReasonCode));

    internal static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>A Land's default VAT treatment (Billing:VatByLand:{code}).</summary>
public sealed class VatDefaultOptions
{
    public string Category { get; set; } = VatCategories.Standard;
    public decimal RatePercent { get; set; }
    public string? ExemptionReason { get; set; }
    public string? ExemptionReasonCode { get; set; }

    public VatTreatment ToTreatment() => new(Category, (long)decimal.Round(RatePercent * 100m),
        BillingOptions.Blank(ExemptionReason), BillingOptions.Blank(ExemptionReasonCode));
}

/// <summary>The marketplace operator as the seller on every invoice (XRechnung BG-4 to BG-6, BG-16/17).</summary>
public sealed class SellerOptions
{
    public string Name { get; set; } = "";
    public string Street { get; set; } = "";
    public string PostalCode { get; set; } = "";
    public string City { get; set; } = "";
    public string CountryCode { get; set; } = "DE";
    /// <summary>USt-IdNr. (BT-31).</summary>
    public string VatId { get; set; } = "";
    /// <summary>Legal registration identifier (BT-30, e.g. "HRB 123456 B"): identifies the seller on invoices of category O, which carry no VAT id.</summary>
    public string LegalRegistrationId { get; set; } = "";
    public string ContactName { get; set; } = "";
    public string ContactPhone { get; set; } = "";
    public string ContactEmail { get; set; } = "";
    /// <summary>Seller electronic address (BT-34), an e-mail address.</summary>
    public string ElectronicAddress { get; set; } = "";
    public string Iban { get; set; } = "";
    public string Bic { get; set; } = "";
    public string AccountHolder { get; set; } = "";
}

/// <summary>Stripe: API key, base URL (a local server in tests) and the webhook signing secret.</summary>
public sealed class StripeOptions
{
    public string ApiKey { get; set; } = "";
    public string ApiBase { get; set; } = "https://api.stripe.com";
    public string WebhookSecret { get; set; } = "";
    /// <summary>Seconds a webhook signature stays valid (Stripe's default tolerance).</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;
}

/// <summary>The monthly billing run in the background.</summary>
public sealed class BillingSchedulerOptions
{
    public bool Enabled { get; set; }
    /// <summary>Day of the month (local) from which the previous month is billed.</summary>
    public int DayOfMonth { get; set; } = 1;
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Finalize the run's drafts right away (and hand Stripe invoices to Stripe) instead of waiting for review.</summary>
    public bool FinalizeAutomatically { get; set; } = true;
}
