using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class CatalogImporterTests(DatabaseEngine engine)
{
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync(engine);

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private Task<ImportReport> Import(string folder) =>
        new CatalogImporter(_db.Database).ImportAsync(CatalogLoader.Load(folder).Snapshot ?? throw new InvalidOperationException("invalid catalogue"));

    private async Task<long> Scalar(string sql, object? args = null)
    {
        await using var c = await _db.Database.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    [Test]
    public async Task A_second_import_of_the_same_files_changes_nothing()
    {
        var first = await Import(RepoPaths.Catalog);
        var revision = await Scalar("SELECT revision FROM catalog_state");
        var second = await Import(RepoPaths.Catalog);

        Assert.That(first.Kinds["offerings"].Inserted, Is.GreaterThanOrEqualTo(60));
        Assert.That(second.Changed, Is.Zero, second.ToString());
        Assert.That(await Scalar("SELECT revision FROM catalog_state"), Is.EqualTo(revision));
        Assert.That(await Scalar("SELECT COUNT(*) FROM offering_laender"), Is.GreaterThan(await Scalar("SELECT COUNT(*) FROM offerings")));
    }

    [Test]
    public async Task An_edited_file_updates_just_that_entity()
    {
        using var folder = new CatalogFolder();
        await Import(folder.Path);
        var offering = CatalogFolder.FirstOffering;
        var id = Path.GetFileNameWithoutExtension(offering);
        folder.Edit(offering, t => Regex.Replace(t, @"(?m)^summary: .*$", "summary: Neu beschrieben."));

        var report = await Import(folder.Path);

        Assert.That(report.Kinds["offerings"], Is.EqualTo(new ImportCounts(0, 1, report.Kinds["offerings"].Unchanged)));
        Assert.That(report.Changed, Is.EqualTo(1));
        await using var c = await _db.Database.OpenAsync();
        Assert.That(await c.ExecuteScalarAsync<string>("SELECT summary FROM offerings WHERE id = @id", new { id }), Is.EqualTo("Neu beschrieben."));
        // Child rows were rewritten, not duplicated.
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM plans WHERE offering_id = @id", new { id }),
            Is.EqualTo(CatalogLoader.Load(folder.Path).Snapshot!.Offerings.Single(o => o.Value.Id == id).Value.Plans.Count));
    }

    [Test]
    public async Task An_invalid_catalogue_writes_nothing()
    {
        using var folder = new CatalogFolder();
        folder.Edit(CatalogFolder.FirstOffering, t => Regex.Replace(t, @"(?m)^reifegrad: .*$", "reifegrad: 9"));
        var seeder = new CatalogSeeder(new CatalogImporter(_db.Database), new Municipalities.MunicipalityImporter(_db.Database),
            Microsoft.Extensions.Options.Options.Create(new CatalogOptions { Path = folder.Path }), _db.Database,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CatalogSeeder>.Instance);

        var error = await Assert.ThrowsAsync<CatalogInvalidException>(() => seeder.ImportCatalogAsync());

        Assert.That(error!.Errors.Select(e => e.Field).Distinct(), Is.EqualTo(new[] { "/reifegrad" }));
        Assert.That(await Scalar("SELECT COUNT(*) FROM laender"), Is.Zero);
        Assert.That(await Scalar("SELECT COUNT(*) FROM offerings"), Is.Zero);
    }
}
