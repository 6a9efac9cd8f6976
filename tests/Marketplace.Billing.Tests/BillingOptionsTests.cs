using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Billing.Tests;

/// <summary>The billing configuration is checked when the host starts, not when the first invoice is rejected.</summary>
public class BillingOptionsTests
{
    private static void Start(params (string Key, string Value)[] settings) =>
        StartupSettings.Validate((services, configuration) => services.AddBilling(configuration), settings);

    [TestCase("0")]
    [TestCase("-7")]
    [TestCase("100")]
    [TestCase("19.005")]
    public void A_VAT_rate_no_receiver_accepts_refuses_to_start_and_says_why(string rate)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start(("Billing:VatRatePercent", rate)));
        Assert.That(e!.Message, Does.Contain("Billing:VatRatePercent"));
    }

    [Test]
    public void Zero_percent_names_the_rule_a_receiver_would_reject_it_by()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start(("Billing:VatRatePercent", "0")));
        Assert.That(e!.Message, Does.Contain("BR-S-05"));
    }

    [TestCase("19")]
    [TestCase("7")]
    [TestCase("5.5")]
    public void A_standard_rate_starts(string rate) => Assert.DoesNotThrow(() => Start(("Billing:VatRatePercent", rate)));

    [Test]
    public void The_defaults_start() => Assert.DoesNotThrow(() => Start());

    [Test]
    public void A_payment_term_beyond_a_year_refuses_to_start() =>
        Assert.Throws<OptionsValidationException>(() => Start(("Billing:PaymentTermDays", "400")));

    [TestCase("E", "0", null, null, "BR-E-10")]
    [TestCase("O", "0", "Nicht steuerbar (§ 2b UStG)", "VATEX-EU-O", "Billing:Seller:LegalRegistrationId")]
    [TestCase("AE", "0", "Reverse charge", "VATEX-EU-AE", "BR-AE-02")]
    [TestCase("Z", "7", null, null, "BR-Z-05")]
    [TestCase("X", "19", null, null, "not a VAT category")]
    public void A_default_VAT_category_a_receiver_would_reject_refuses_to_start(string category, string rate, string? reason, string? code, string expected)
    {
        var settings = new List<(string, string)> { ("Billing:VatCategory", category), ("Billing:VatRatePercent", rate) };
        if (reason is not null) settings.Add(("Billing:VatExemptionReason", reason));
        if (code is not null) settings.Add(("Billing:VatExemptionReasonCode", code));
        var e = Assert.Throws<OptionsValidationException>(() => Start([.. settings]));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("Billing:VatCategory"));
    }

    [Test]
    public void Exempt_and_not_subject_defaults_start_with_what_they_need()
    {
        Assert.DoesNotThrow(() => Start(("Billing:VatCategory", "E"), ("Billing:VatRatePercent", "0"), ("Billing:VatExemptionReasonCode", "VATEX-EU-132")));
        Assert.DoesNotThrow(() => Start(("Billing:VatCategory", "O"), ("Billing:VatRatePercent", "0"), ("Billing:VatExemptionReasonCode", "VATEX-EU-O"),
            ("Billing:Seller:LegalRegistrationId", "HRB 123456 B")));
    }

    [Test]
    public void A_Land_default_is_checked_and_named_by_its_Land()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start(("Billing:VatByLand:09:Category", "S"), ("Billing:VatByLand:09:RatePercent", "0")));
        Assert.That(e!.Message, Does.Contain("Billing:VatByLand:09").And.Contain("BR-S-05"));
        Assert.Throws<OptionsValidationException>(() => Start(("Billing:VatByLand:Bayern:Category", "S"), ("Billing:VatByLand:Bayern:RatePercent", "19")));
        Assert.DoesNotThrow(() => Start(("Billing:VatByLand:09:Category", "S"), ("Billing:VatByLand:09:RatePercent", "7")));
    }
}
