using Marketplace.Kernel;
using System.Text.RegularExpressions;
using Marketplace.Catalog;
using Marketplace.Storage;
using Marketplace.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

/// <summary>The conformance part of the catalogue import: validation with the rest, seed versions, and never overwriting a vendor's own version.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class SeedImportTests(DatabaseEngine engine)
{
    private Harness _h = null!;
    private string _folder = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await Harness.CreateAsync(engine, seed: false);
        _folder = Directory.CreateTempSubdirectory("marketplace-catalog-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Catalog, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, Path.GetRelativePath(RepoPaths.Catalog, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        await _h.DisposeAsync();
        Directory.Delete(_folder, true);
    }

    private Task Import() => _h.Services.GetRequiredService<CatalogSeeder>().ImportCatalogAsync(_folder);

    private void Edit(string relative, Func<string, string> change)
    {
        var path = Path.Combine(_folder, relative);
        var before = File.ReadAllText(path);
        var after = change(before);
        Assert.That(after, Is.Not.EqualTo(before), "the edit changed nothing");
        File.WriteAllText(path, after);
    }

    [Test]
    public async Task An_invalid_policy_or_attestation_is_reported_with_its_line_and_nothing_is_imported()
    {
        Edit("policies/conformance.yaml", t => t.Replace("standard: xkfz", "standard: xfahrzeug"));
        Edit("attestations/havelsoft.yaml", t => Regex.Replace(t, "criterion: feedback-mechanismus", "criterion: gibt-es-nicht"));

        var error = await Assert.ThrowsAsync<CatalogInvalidException>(Import);

        var policyLine = File.ReadAllLines(Path.Combine(_folder, "policies/conformance.yaml")).ToList().FindIndex(l => l.Contains("xfahrzeug")) + 1;
        var attestationLine = File.ReadAllLines(Path.Combine(_folder, "attestations/havelsoft.yaml")).ToList().FindIndex(l => l.Contains("gibt-es-nicht")) + 1;
        Assert.That(error!.Errors.Select(e => (e.Path, e.Line, e.Reason)), Is.EquivalentTo(new[]
        {
            ("catalog/policies/conformance.yaml", policyLine, "unknown standard 'xfahrzeug'"),
            ("catalog/attestations/havelsoft.yaml", attestationLine, "unknown criterion 'gibt-es-nicht' of bitv-2 2019"),
        }));
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM offerings"), Is.Zero);
        Assert.That(await _h.ScalarAsync<long>("SELECT COUNT(*) FROM standards"), Is.Zero);
    }

    [Test]
    public async Task An_edited_seed_file_publishes_the_next_version_and_a_second_import_changes_nothing()
    {
        await Import();
        var revision = await _h.ScalarAsync<long>("SELECT revision FROM catalog_state");
        await Import();
        Assert.That(await _h.ScalarAsync<long>("SELECT revision FROM catalog_state"), Is.EqualTo(revision), "an unchanged catalogue changes nothing");

        Edit("offerings/kita-anmeldung-havelsoft.yaml", t => Regex.Replace(t, "(?m)^summary: .*$", "summary: Neu beschrieben."));
        await Import();

        var versions = (await _h.Lifecycle.GetAsync("havelsoft", "kita-anmeldung-havelsoft")).Versions;
        Assert.That(versions.Select(v => (v.Version, v.State, v.Origin)), Is.EqualTo(new[]
        {
            (2, VersionStates.Published, VersionOrigins.Catalog), (1, VersionStates.Superseded, VersionOrigins.Catalog),
        }));
        var listed = (await _h.CatalogueAsync()).Offering("kita-anmeldung-havelsoft")!;
        Assert.That((listed.Listing.Version, listed.Descriptor.Summary, listed.Listing.Orderable), Is.EqualTo((2, "Neu beschrieben.", true)));
    }

    [Test]
    public async Task A_seed_edit_never_overwrites_a_version_the_vendor_made()
    {
        await Import();
        var vendor = new Actor("user-havelsoft", "havelsoft");
        var text = File.ReadAllText(Path.Combine(_folder, "offerings/kita-anmeldung-havelsoft.yaml")).Replace("Kita", "Kita-Portal des Anbieters");
        var draft = await _h.Lifecycle.EditAsync(vendor, "havelsoft", "kita-anmeldung-havelsoft", text);

        Edit("offerings/kita-anmeldung-havelsoft.yaml", t => Regex.Replace(t, "(?m)^summary: .*$", "summary: Aus dem Katalog."));
        await Import();

        var versions = (await _h.Lifecycle.GetAsync("havelsoft", "kita-anmeldung-havelsoft")).Versions;
        Assert.That(versions.Select(v => (v.Version, v.Origin)), Is.EqualTo(new[] { (2, VersionOrigins.Vendor), (1, VersionOrigins.Catalog) }));
        Assert.That(versions[0].Descriptor, Is.EqualTo(draft.Descriptor).Using<Catalog.Descriptors.OfferingDescriptor>((a, b) =>
            System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b)));
        Assert.That((await _h.CatalogueAsync()).Offering("kita-anmeldung-havelsoft")!.Descriptor.Summary, Is.Not.EqualTo("Aus dem Katalog."));
    }
}
