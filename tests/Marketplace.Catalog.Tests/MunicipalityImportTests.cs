using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Municipalities;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class MunicipalityImportTests(DatabaseEngine engine)
{
    private TestDatabase _db = null!;
    private static readonly string SamplePath = Path.Combine(RepoPaths.Catalog, "municipalities", "gv-sample.csv");

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync(engine);
        await new CatalogImporter(_db.Database).ImportAsync(CatalogLoader.Load(RepoPaths.Catalog).Snapshot!);
    }

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private Task<MunicipalityImportResult> Import(GvIsysDirectory directory) => new MunicipalityImporter(_db.Database).ImportAsync(directory);

    [Test]
    public async Task The_sample_has_every_Land_capital_and_imports_idempotently()
    {
        var first = await Import(GvIsysReader.ReadFile(SamplePath));
        var second = await Import(GvIsysReader.ReadFile(SamplePath));

        Assert.That(first.Inserted, Is.GreaterThanOrEqualTo(46), first.ToString());
        Assert.That((second.Inserted, second.Updated, second.Unchanged), Is.EqualTo((0, 0, first.Inserted)));
        await using var c = await _db.Database.OpenAsync();
        var capitals = new[] { "01002000", "02000000", "03241001", "04011000", "05111000", "06414000", "07315000", "08111000",
            "09162000", "10041100", "11000000", "12054000", "13004000", "14612000", "15003000", "16051000" };
        var present = await c.QueryAsync<string>("SELECT ags FROM municipalities");
        Assert.That(present, Is.SupersetOf(capitals));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT land_code) FROM municipalities"), Is.EqualTo(16));
    }

    [Test]
    public async Task The_official_directory_imports_with_keys_and_population_as_Destatis_defines_them()
    {
        var file = RepoPaths.RequireSharedFile("destatis-gv-auszug-2020q4.csv");
        var directory = GvIsysReader.ReadFile(file);
        Assert.That(directory.Errors, Is.Empty);
        Assert.That(directory.Municipalities, Has.Count.EqualTo(11_004));
        Assert.That(directory.Units.GroupBy(u => u.Satzart).ToDictionary(g => g.Key, g => g.Count()),
            Is.EquivalentTo(new Dictionary<int, int> { [10] = 16, [20] = 29, [30] = 12, [40] = 401, [50] = 4606 }));

        var result = await Import(directory);

        Assert.That(result.Inserted, Is.EqualTo(11_004), result.ToString());
        await using var c = await _db.Database.OpenAsync();
        var muenchen = await c.QuerySingleAsync<(string Ars, string Name, int Population, string Land)>(
            "SELECT ars, name, population, land_code FROM municipalities WHERE ags = '09162000'");
        Assert.That(muenchen, Is.EqualTo(("091620000000", "München, Landeshauptstadt", 1_484_226, "09")));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM municipalities WHERE population = 0"), Is.EqualTo(208));
    }

    [Test]
    public async Task A_changed_row_updates_only_that_municipality()
    {
        await Import(GvIsysReader.ReadFile(SamplePath));
        var text = File.ReadAllText(SamplePath).Replace("\"München, Landeshauptstadt\"", "\"München, Landeshauptstadt (neu)\"");
        var result = await Import(GvIsysReader.Read(new StringReader(text)));
        Assert.That((result.Inserted, result.Updated), Is.EqualTo((0, 1)));
    }

    [Test]
    public async Task A_bad_record_is_reported_with_its_line_and_field_and_nothing_is_imported()
    {
        var lines = File.ReadAllLines(SamplePath).ToList();
        var index = lines.FindIndex(l => l.StartsWith("60,"));
        lines[index] = lines[index].Replace("60,61,", "60,61,X");
        lines.Add("70,,09,1,62,,,Unbekannt,,,,,,,,,,,,");

        var directory = GvIsysReader.Read(new StringReader(string.Join("\n", lines)));
        var result = await Import(directory);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Errors.Select(e => (e.Line, e.Field)), Is.EquivalentTo(new[] { (index + 1, "land"), (lines.Count, "satzart") }));
        await using var c = await _db.Database.OpenAsync();
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM municipalities"), Is.Zero);
    }
}
