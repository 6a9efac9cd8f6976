using Marketplace.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The token server's lifetimes are checked when the host starts, not when the first token is issued.</summary>
public class IdentityOptionsTests
{
    private static void Start(params (string Key, string Value)[] settings) =>
        StartupSettings.Validate((services, configuration) => services.AddMarketplaceIdentity(configuration,
            new HostingEnvironment { EnvironmentName = Environments.Development, ContentRootPath = TestContext.CurrentContext.WorkDirectory }), settings);

    [TestCase("Identity:Server:AccessTokenMinutes", "0")]
    [TestCase("Identity:Server:RefreshTokenDays", "-1")]
    [TestCase("Identity:Server:TokenEntryCheckSeconds", "-5")]
    public void A_bad_token_lifetime_refuses_to_start_naming_the_setting(string setting, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Start((setting, value)));
        Assert.That(e!.Message, Does.Contain(setting));
    }

    [Test]
    public void The_defaults_start() => Assert.DoesNotThrow(() => Start());

    [Test]
    public void Fewer_password_hash_iterations_are_refused_outside_test_hosts()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Start(("Identity:PasswordHashIterations", "1")));
        Assert.That(e!.Message, Does.Contain("Identity:PasswordHashIterations"));
    }
}
