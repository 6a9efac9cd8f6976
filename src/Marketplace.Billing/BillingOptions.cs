namespace Marketplace.Billing;

/// <summary>Configuration section "Billing".</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>Events per usage batch, at most.</summary>
    public const int MaxBatchSize = 1_000;

    /// <summary>VAT rate in percent applied to new invoices (each invoice keeps the rate it was made with).</summary>
    public decimal VatRatePercent { get; set; } = 19m;

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
