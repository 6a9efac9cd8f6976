using Marketplace.Billing.Pricing;
using Microsoft.Extensions.Options;
using VatCategories = Marketplace.Catalog.VatCategories;
using VatTreatment = Marketplace.Catalog.VatTreatment;

namespace Marketplace.Billing;

/// <summary>
/// Refuses to start with a VAT configuration no e-invoice receiver accepts: the default treatment and every Land's must
/// meet EN 16931 (a 0 % category S breaks BR-S-05 on every line; E and O need an exemption reason; AE needs buyer VAT ids
/// the platform does not keep; O needs the seller's legal registration because it must not show the VAT id).
/// </summary>
public sealed class BillingOptionsValidation : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var failures = new List<string>();
        var registered = !string.IsNullOrWhiteSpace(options.Seller.LegalRegistrationId);
        if (options.VatRatePercent is < 0m or >= 100m || options.VatRatePercent * 100m != decimal.Round(options.VatRatePercent * 100m))
            failures.Add($"Billing:VatRatePercent is {options.VatRatePercent}: between 0 and 100, at most two decimal places.");
        else
            failures.AddRange(new VatTreatment(options.VatCategory, options.VatRateBasisPoints, BillingOptions.Blank(options.VatExemptionReason),
                    BillingOptions.Blank(options.VatExemptionReasonCode)).Problems(registered)
                .Select(p => $"Billing:VatCategory {options.VatCategory} at Billing:VatRatePercent {options.VatRatePercent}: {p}"));
        foreach (var (land, vat) in options.VatByLand)
        {
            if (land.Length != 2 || !land.All(char.IsAsciiDigit))
                failures.Add($"Billing:VatByLand:{land}: the key is a two-digit Land code (the first two digits of the AGS).");
            if (vat.RatePercent * 100m != decimal.Round(vat.RatePercent * 100m))
                failures.Add($"Billing:VatByLand:{land}:RatePercent is {vat.RatePercent}: at most two decimal places.");
            failures.AddRange(vat.ToTreatment().Problems(registered).Select(p => $"Billing:VatByLand:{land}: {p}"));
        }
        if (options.PaymentTermDays is < 0 or > 365)
            failures.Add($"Billing:PaymentTermDays is {options.PaymentTermDays}: between 0 and 365 days.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
