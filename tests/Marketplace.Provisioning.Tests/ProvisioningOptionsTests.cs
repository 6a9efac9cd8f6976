using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>The provisioning settings (broker limits, timeouts, intervals) are checked when the host starts, not when the first job runs.</summary>
public class ProvisioningOptionsTests
{
    private static void Start(params (string Key, string Value)[] settings) =>
        StartupSettings.Validate((services, configuration) => services.AddProvisioning(configuration), settings);

    [TestCase("Provisioning:WorkerParallelism", "0")]
    [TestCase("Provisioning:DefaultBrokerConcurrency", "-1")]
    [TestCase("Provisioning:BrokerRequestTimeout", "00:00:00")]
    [TestCase("Provisioning:LeaseDuration", "-00:00:30")]
    [TestCase("Provisioning:MaxFailures", "0")]
    public void A_bad_value_refuses_to_start_naming_the_setting(string setting, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start((setting, value)));
        Assert.That(e!.Message, Does.Contain(setting));
    }

    [Test]
    public void The_defaults_start() => Assert.DoesNotThrow(() => Start());
}
