using Marketplace.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>The catalogue's settings (search cache, refresh interval, path) are checked when the host starts.</summary>
public class CatalogOptionsTests
{
    private static void Start(params (string Key, string Value)[] settings) =>
        StartupSettings.Validate((services, configuration) => services.AddCatalog(configuration), settings);

    [TestCase("Catalog:SearchCacheEntries", "-1")]
    [TestCase("Catalog:RefreshInterval", "00:00:00")]
    [TestCase("Catalog:Path", "")]
    public void A_bad_value_refuses_to_start_naming_the_setting(string setting, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start((setting, value)));
        Assert.That(e!.Message, Does.Contain(setting));
    }

    [Test]
    public void The_defaults_start() => Assert.DoesNotThrow(() => Start());
}
