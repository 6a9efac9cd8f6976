using Marketplace.Kernel;
using Marketplace.Provisioning.Broker;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>A vendor's broker settings are refused by stable codes, so the API and the pages word them in either language.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class BrokerRegistryTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [OneTimeTearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [Test]
    public async Task Invalid_broker_settings_are_refused_at_the_field_by_code()
    {
        Assert.That(await RefusalAsync(new BrokerAuth("kerberos", "u", "p"), 1), Is.EqualTo(("authKind", "broker.auth-kind-or-none")));
        Assert.That(await RefusalAsync(BrokerAuth.Anonymous, 0), Is.EqualTo(("maxConcurrency", "minimum")));
        Assert.That(await RefusalAsync(new BrokerAuth(BrokerAuth.OAuthClientCredentials, "client", "secret"), 1), Is.EqualTo(("tokenUrl", "broker.token-url-missing")));
    }

    private async Task<(string Field, string? Code)> RefusalAsync(BrokerAuth auth, int maxConcurrency)
    {
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Brokers.ConfigureAsync("amtsfuchs-software", auth, maxConcurrency, "vendor-admin"));
        return (e!.Errors.Single().Field, e.Errors.Single().Code);
    }
}
