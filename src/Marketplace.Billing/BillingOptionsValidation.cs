using Microsoft.Extensions.Options;

namespace Marketplace.Billing;

/// <summary>
/// Refuses to start with a VAT configuration no e-invoice receiver accepts. Every invoice line is VAT category S (standard
/// rate), and EN 16931 rule BR-S-05 requires its rate to be greater than zero, so 0 % would make every invoice a rejected one.
/// </summary>
public sealed class BillingOptionsValidation : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var failures = new List<string>();
        if (options.VatRatePercent is <= 0m or >= 100m)
            failures.Add($"Billing:VatRatePercent is {options.VatRatePercent}: invoices are VAT category S (standard rate), whose rate must be " +
                         "greater than 0 and less than 100 (EN 16931 BR-S-05; an e-invoice receiver rejects category S at 0 %).");
        if (options.VatRatePercent * 100m != decimal.Round(options.VatRatePercent * 100m))
            failures.Add($"Billing:VatRatePercent is {options.VatRatePercent}: at most two decimal places.");
        if (options.PaymentTermDays is < 0 or > 365)
            failures.Add($"Billing:PaymentTermDays is {options.PaymentTermDays}: between 0 and 365 days.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
