using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Billing.Tests;

/// <summary>The billing configuration is checked when the host starts, not when the first invoice is rejected.</summary>
public class BillingOptionsTests
{
    /// <summary>What the host runs before it starts: every options validation registered with ValidateOnStart.</summary>
    private static void Start(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var services = new ServiceCollection().AddBilling(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

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
}
