using Marketplace.Kernel;
using Dapper;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The core-field editor saves every catalogue offering as it stands: what a vendor did not change stays unchanged.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class DraftRoundTripTests(DatabaseEngine engine)
{
    private Harness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await Harness.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task Saving_the_core_fields_of_every_seed_offering_unchanged_gives_a_draft_without_any_change()
    {
        await using var connection = await _h.Db.Database.OpenAsync();
        var offerings = (await connection.QueryAsync<(string Id, string VendorId)>("SELECT id, vendor_id FROM offerings ORDER BY id")).ToList();
        Assert.That(offerings, Has.Count.GreaterThanOrEqualTo(71), "the whole seed catalogue");

        var failures = new List<string>();
        foreach (var (id, vendorId) in offerings)
        {
            var published = (await _h.Lifecycle.GetAsync(vendorId, id)).Versions[0];
            var fields = DraftFields.Of(published.Descriptor);
            // A browser posts a textarea's line breaks as CR LF: that alone is no change.
            fields = fields with { Description = fields.Description?.Replace("\n", "\r\n") };
            try
            {
                var draft = await _h.Lifecycle.EditFieldsAsync(new Actor("user-" + vendorId, vendorId), vendorId, id, fields);
                var changes = VersionDiff.Between(published.Descriptor, draft.Descriptor);
                if (changes.Count > 0) failures.Add($"{id}: changed {string.Join(", ", changes.Select(c => c.Path))}");
            }
            catch (Exception e)
            {
                failures.Add($"{id}: {e.Message}");
            }
        }
        TestContext.Out.WriteLine($"{offerings.Count} seed offerings saved unchanged through the core-field editor");
        Assert.That(failures, Is.Empty);
    }
}
