using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>A catalogue change in the database reaches every instance's index and cached answers without a restart.</summary>
public class CatalogRefreshTests
{
    [Test]
    public async Task An_imported_change_shows_up_in_search_after_the_refresh_interval()
    {
        await using var factory = await MarketplaceFactory.CreateAsync(DatabaseEngine.Sqlite,
            new Dictionary<string, string?> { ["Catalog:RefreshInterval"] = "00:00:00.200" });
        using var client = factory.CreateClient();
        async Task<int> Total(string q) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/v1/offerings?q={q}")).GetProperty("total").GetInt32();
        Assert.That(await Total("Zauberdienst"), Is.Zero); // also puts the answer into the cache

        var snapshot = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!;
        var renamed = snapshot.Offerings[0] with { Value = snapshot.Offerings[0].Value with { Name = "Zauberdienst" }, ContentHash = "changed" };
        await new CatalogImporter(factory.Database.Database).ImportAsync(snapshot with { Offerings = [renamed, .. snapshot.Offerings.Skip(1)] });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Total("Zauberdienst") == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.That(await Total("Zauberdienst"), Is.EqualTo(1));
    }
}
