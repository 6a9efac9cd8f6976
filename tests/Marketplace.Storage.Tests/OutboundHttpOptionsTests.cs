using Marketplace.Storage.Outbound;
using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The outbound HTTP policy's bounds are checked when the host starts, not at the first call to a vendor's system.</summary>
public class OutboundHttpOptionsTests
{
    private static void Start(params (string Key, string Value)[] settings) =>
        StartupSettings.Validate((services, configuration) => services.AddOutboundHttpClient("broker", configuration), settings);

    [TestCase("OutboundHttp:MaxResponseBytes", "0")]
    [TestCase("OutboundHttp:MaxResponseHeadersKilobytes", "0")]
    [TestCase("OutboundHttp:ConnectTimeout", "00:00:00")]
    public void A_bad_value_refuses_to_start_naming_the_setting(string setting, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start((setting, value)));
        Assert.That(e!.Message, Does.Contain(setting));
    }

    [Test]
    public void The_defaults_start() => Assert.DoesNotThrow(() => Start());
}
