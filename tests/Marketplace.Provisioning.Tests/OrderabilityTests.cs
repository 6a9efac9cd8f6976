using Marketplace.Kernel;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// One orderability rule for single orders, bundles and rollouts: deprecated, retired, unchecked and non-conformant
/// offerings are refused at the offering, in the caller's language, and nothing is written.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class OrderabilityTests(DatabaseEngine engine)
{
    private ProvisioningWorld _world = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _world = await ProvisioningWorld.CreateAsync(engine);

    [OneTimeTearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [TearDown]
    public async Task Reset()
    {
        await _world.SetListingAsync(ProvisioningWorld.Fundbuero, OfferingLifecycles.Active);
        await _world.SetListingAsync(ProvisioningWorld.Meldeportal, OfferingLifecycles.Active);
    }

    private static readonly JsonObject Common = new() { ["behoerde"] = "Fundbüro", ["kontaktEmail"] = "f@sh.example" };

    private async Task<long> RowsAsync() => await _world.ScalarAsync<long>("SELECT COUNT(*) FROM orders") + await _world.ScalarAsync<long>("SELECT COUNT(*) FROM rollouts")
        + await _world.ScalarAsync<long>("SELECT COUNT(*) FROM subscriptions");

    [TestCase(OfferingLifecycles.Deprecated, ConformanceStatuses.Conformant, "abgekündigt")]
    [TestCase(OfferingLifecycles.Retired, ConformanceStatuses.Conformant, "eingestellt")]
    [TestCase(OfferingLifecycles.Active, ConformanceStatuses.NonConformant, "nicht konform zu vorgeschriebenen Standards (dsgvo-avv)")]
    [TestCase(OfferingLifecycles.Active, ConformanceStatuses.Expired, "nicht konform zu vorgeschriebenen Standards (dsgvo-avv)")]
    public async Task An_order_a_bundle_and_a_rollout_of_an_offering_that_is_not_orderable_are_refused_at_the_offering(string lifecycle, string dsgvo,
        string why)
    {
        await _world.SetListingAsync(ProvisioningWorld.Fundbuero, lifecycle, dsgvo);
        await _world.SetListingAsync(ProvisioningWorld.Meldeportal, lifecycle, dsgvo);
        var before = await RowsAsync();

        var order = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Orders.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer,
            "o-" + Guid.NewGuid(), new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig())));
        Assert.That(order!.Errors.Single(e => e.Field == "offeringId").Message, Does.Contain(why));

        var bundle = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Bundles.PlaceAsync(ProvisioningWorld.Kiel, ProvisioningWorld.Buyer,
            "b-" + Guid.NewGuid(), new BundleOrderRequest("umzug", [new("10124", ProvisioningWorld.Meldeportal, "standard", [], ProvisioningWorld.MeldeportalConfig())], null)));
        Assert.That(bundle!.Errors.Where(e => e.Field == "selections/0/offeringId").Select(e => e.Message), Has.Some.Contain(why));

        var rollout = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Rollouts.CreateAsync("bundler-user", "org-sh",
            new RolloutRequest(ProvisioningWorld.Fundbuero, "standard", [], [ProvisioningWorld.Kiel, ProvisioningWorld.Luebeck], null, Common, null)));
        Assert.That(rollout!.Errors.Single(e => e.Field == "offeringId").Message, Does.Contain(why));

        Assert.That(await RowsAsync(), Is.EqualTo(before), "no order, rollout or subscription written");
    }

    [Test]
    public async Task The_refusal_carries_its_code_so_the_edge_words_it_in_the_callers_language()
    {
        // The service no longer words refusals in the thread's culture: the API and the pages word the code from the
        // resources in the request's language (OrderabilityApiTests checks the English problem through the host).
        await _world.SetListingAsync(ProvisioningWorld.Fundbuero, OfferingLifecycles.Deprecated);
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Orders.PlaceAsync(ProvisioningWorld.Friedrichskoog, ProvisioningWorld.Buyer,
            "o-en", new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig())));
        var error = e!.Errors.Single(x => x.Field == "offeringId");
        Assert.That(error.Code, Is.EqualTo("order.not-orderable.deprecated"));
        Assert.That(error.Message, Is.EqualTo("das Angebot ist abgekündigt: keine neuen Bestellungen"), "the German text stays the fallback for logs");
    }

    [Test]
    public async Task An_offering_nobody_checked_is_not_orderable_and_an_active_conformant_one_is()
    {
        await _world.SetListingAsync(ProvisioningWorld.Fundbuero, OfferingLifecycles.Active);
        await using (var c = await _world.Database.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(c, "DELETE FROM offering_conformance WHERE offering_id = @id", new { id = ProvisioningWorld.Fundbuero });
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Orders.PlaceAsync(ProvisioningWorld.Luebeck, ProvisioningWorld.Buyer,
            "o-unchecked", new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig())));
        Assert.That(e!.Errors.Single(x => x.Field == "offeringId").Message, Does.Contain("nicht geprüft"));

        await _world.SetListingAsync(ProvisioningWorld.Fundbuero, OfferingLifecycles.Active);
        var placed = await _world.Orders.PlaceAsync(ProvisioningWorld.Luebeck, ProvisioningWorld.Buyer, "o-ok",
            new OrderRequest(ProvisioningWorld.Fundbuero, "standard", [], ProvisioningWorld.FundbueroConfig()));
        Assert.That(placed.Created, Is.True);
    }
}
