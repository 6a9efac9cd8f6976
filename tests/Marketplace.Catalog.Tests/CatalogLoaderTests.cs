using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Marketplace.Catalog.Descriptors;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

public class CatalogLoaderTests
{
    [Test]
    public void The_repo_catalogue_is_valid()
    {
        var result = CatalogLoader.Load(RepoPaths.Catalog);
        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void Every_schema_is_a_valid_JSON_Schema()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Catalog, "schemas"), "*.schema.json"))
        {
            var meta = MetaSchemas.Draft202012.Evaluate(JsonDocument.Parse(File.ReadAllText(file)).RootElement);
            Assert.That(meta.IsValid, Is.True, file);
        }
    }

    [Test]
    public void The_repo_catalogue_has_what_the_marketplace_promises()
    {
        var s = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!;
        Assert.That(s.Laender, Has.Count.EqualTo(16));
        Assert.That(s.Leistungen, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(s.Leistungen.All(l => l.Value.LeikaKeys.Count > 0), Is.True, "every Leistung has a LeiKa key");
        Assert.That(s.Standards, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(s.Vendors, Has.Count.GreaterThanOrEqualTo(12));
        Assert.That(s.Offerings, Has.Count.GreaterThanOrEqualTo(60));
        var competed = s.Offerings.SelectMany(o => o.Value.Leistungen).GroupBy(l => l).Count(g => g.Count() >= 2);
        Assert.That(competed, Is.GreaterThanOrEqualTo(8), "several Leistungen have competing offerings");
        var lebenslagen = s.Leistungen.SelectMany(l => l.Value.Lebenslagen).ToHashSet();
        Assert.That(lebenslagen, Is.SupersetOf(new[] { "wohnen-umzug", "geburt", "kfz-besitz", "bauen-immobilien", "unternehmensstart-gewerbezulassung" }));
        Assert.That(s.Offerings.Select(o => o.Value.Provisioning.Type).Distinct(), Is.EquivalentTo(new[] { "osb", "manual" }));
        Assert.That(s.Bundles.Select(b => b.Value.Id), Is.SupersetOf(new[] { "umzug", "geburt", "kfz", "gewerbe" }));
    }

    [Test]
    public void A_schema_edited_after_a_load_is_read_again()
    {
        // The built schemas are kept per folder while their files are unchanged; an edit must not be hidden by that.
        using var folder = new CatalogFolder();
        Assert.That(CatalogLoader.Load(folder.Path).IsValid, Is.True);
        folder.Edit("schemas/land.schema.json", t => t.Replace("\"properties\"", "\"maxProperties\": 0, \"properties\""));

        var result = CatalogLoader.Load(folder.Path);

        Assert.That(result.Errors.Select(e => e.Path), Has.Some.Contains("laender/"), "the edited schema refuses every Land");
    }

    [Test]
    public void Every_invalid_file_is_reported_with_path_field_line_and_reason()
    {
        using var folder = new CatalogFolder();
        var offering = CatalogFolder.FirstOffering;
        folder.Edit(offering, t => Regex.Replace(t, @"(?m)^reifegrad: .*$", "reifegrad: hoch"));
        folder.Edit("laender/09.yaml", t => t + "\n  broken: [unclosed\n");
        var vendorRef = Directory.EnumerateFiles(folder.File_("offerings")).Order(StringComparer.Ordinal).Skip(1).First();
        File.WriteAllText(vendorRef, Regex.Replace(File.ReadAllText(vendorRef), @"(?m)^vendor: .*$", "vendor: gibt-es-nicht"));

        var result = CatalogLoader.Load(folder.Path);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Snapshot, Is.Null, "no partial snapshot");
        var reifegrad = result.Errors.Single(e => e.Path == "catalog/" + offering && e.Field == "/reifegrad");
        var expectedLine = File.ReadAllLines(folder.File_(offering)).ToList().FindIndex(l => l.StartsWith("reifegrad:")) + 1;
        Assert.That(reifegrad.Line, Is.EqualTo(expectedLine));
        Assert.That(reifegrad.Reason, Does.Contain("integer").IgnoreCase);
        Assert.That(result.Errors.Any(e => e.Path == "catalog/laender/09.yaml" && e.Reason.StartsWith("YAML syntax")), Is.True);
        // Reference checks run only once every file is valid on its own, so the unknown vendor shows up after the fix.
        folder.Edit(offering, t => t.Replace("reifegrad: hoch", "reifegrad: 3"));
        folder.Edit("laender/09.yaml", t => t.Replace("\n  broken: [unclosed\n", ""));
        var second = CatalogLoader.Load(folder.Path);
        var vendor = second.Errors.Single();
        Assert.That((vendor.Field, vendor.Reason), Is.EqualTo(("/vendor", "unknown vendor 'gibt-es-nicht'")));
        Assert.That(vendor.Line, Is.GreaterThan(0));
    }

    /// <summary>Gives the first setup fee of abfall-app-deichgraf a VAT block (YAML lines, indented as the fee's fields).</summary>
    private static string WithSetupFeeVat(string yaml, params string[] vat) =>
        Regex.Replace(yaml, @"(?m)^(        priceCents: 60000)$", m => m.Value + "\n        vat:\n" + string.Concat(vat.Select(v => "          " + v + "\n")).TrimEnd('\n'), RegexOptions.None, TimeSpan.FromSeconds(1));

    [Test]
    public void A_price_item_may_name_its_VAT_category_and_a_receiver_rejected_one_is_reported_at_its_field()
    {
        const string offering = "offerings/abfall-app-deichgraf.yaml";
        using var folder = new CatalogFolder();
        folder.Edit(offering, t => WithSetupFeeVat(t, "category: E", "ratePercent: 0", "exemptionReasonCode: VATEX-EU-132"));
        var valid = CatalogLoader.Load(folder.Path);
        Assert.That(valid.Errors, Is.Empty);
        var fee = valid.Snapshot!.Offerings.Single(o => o.Value.Id == "abfall-app-deichgraf").Value.Plans.SelectMany(p => p.SetupFeeList).First();
        Assert.That(fee.Vat!.ToTreatment(), Is.EqualTo(new VatTreatment("E", 0, null, "VATEX-EU-132")));

        using var broken = new CatalogFolder();
        broken.Edit(offering, t => WithSetupFeeVat(t, "category: E", "ratePercent: 0"));
        var error = CatalogLoader.Load(broken.Path).Errors.Single();
        Assert.That((error.Path, error.Field), Is.EqualTo(("catalog/" + offering, "/plans/0/setupFees/0/vat")));
        Assert.That(error.Reason, Does.Contain("BR-E-10"));

        using var reverseCharge = new CatalogFolder();
        reverseCharge.Edit(offering, t => WithSetupFeeVat(t, "category: AE", "ratePercent: 0"));
        Assert.That(CatalogLoader.Load(reverseCharge.Path).Errors.First().Field, Does.StartWith("/plans/0/setupFees/0/vat"));
    }

    [Test]
    public void The_id_must_match_the_file_name()
    {
        using var folder = new CatalogFolder();
        var offering = CatalogFolder.FirstOffering;
        folder.Edit(offering, t => Regex.Replace(t, @"(?m)^id: .*$", "id: anderer-name"));
        var error = CatalogLoader.Load(folder.Path).Errors.Single();
        Assert.That((error.Path, error.Field), Is.EqualTo(("catalog/" + offering, "/id")));
    }

    [Test]
    public void An_unknown_field_is_rejected_not_ignored()
    {
        using var folder = new CatalogFolder();
        folder.Edit("laender/01.yaml", t => t + "\nhauptstadt: Kiel\n");
        var error = CatalogLoader.Load(folder.Path).Errors.Single();
        Assert.That((error.Path, error.Field, error.Line), Is.EqualTo(("catalog/laender/01.yaml", "/hauptstadt", File.ReadAllLines(folder.File_("laender/01.yaml")).Length)));
        Assert.That(error.Reason, Does.StartWith("unknown field"));
    }

    [Test]
    public void An_invalid_tenant_configuration_schema_is_reported()
    {
        using var folder = new CatalogFolder();
        var offering = CatalogFolder.FirstOffering;
        folder.Edit(offering, t => Regex.Replace(t, @"(?m)^tenantConfigSchema:\n", "tenantConfigSchema:\n  minProperties: -3\n"));
        var errors = CatalogLoader.Load(folder.Path).Errors;
        Assert.That(errors.Select(e => (e.Path, e.Field)), Does.Contain(("catalog/" + offering, "/tenantConfigSchema")));
    }

    /// <summary>Patterns run on the linear-time engine (<see cref="LinearTimePatterns"/>): what it cannot run is refused at import, with the reason.</summary>
    [TestCase("^(?=.*[0-9]).+$", "pattern")]
    [TestCase("^(a)\\1$", "pattern")]
    [TestCase("^(?>a+)b$", "patternProperties")]
    public void A_tenant_schema_pattern_the_linear_engine_cannot_run_is_refused_at_import(string pattern, string keyword)
    {
        using var folder = new CatalogFolder();
        var offering = CatalogFolder.FirstOffering;
        // A property of the schema's own with the pattern, or a patternProperties entry beside its properties.
        var (at, inserted) = keyword == "pattern"
            ? (@"(?m)^  properties:\n", $"  properties:\n    probe:\n      type: string\n      pattern: '{pattern}'\n")
            : (@"(?m)^tenantConfigSchema:\n", $"tenantConfigSchema:\n  patternProperties:\n    '{pattern}':\n      type: string\n");
        folder.Edit(offering, t => new Regex(at).Replace(t, inserted.Replace("$", "$$"), 1));
        var errors = CatalogLoader.Load(folder.Path).Errors.Where(e => e.Field == "/tenantConfigSchema").ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Reason, Does.Contain("linear time"));
    }

    [Test]
    public void A_schema_violation_names_its_keyword_and_the_schemas_values_so_pages_can_word_it()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Catalog, CatalogFolder.FirstOffering));
        text = Regex.Replace(text, @"(?m)^summary: .*$", "summary: \"" + new string('x', 201) + "\"");
        text = Regex.Replace(text, @"(?m)^nameEn: .*\n", "");
        text = Regex.Replace(text, @"(?m)^reifegrad: .*$", "reifegrad: hoch");

        var (value, errors) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "angebot.yaml", text);

        Assert.That(value, Is.Null);
        var worded = errors.Select(e => (e.Field, e.Keyword, string.Join("|", e.Args))).ToList();
        Assert.That(worded, Does.Contain(("/summary", "maxLength", "200")));
        Assert.That(worded, Does.Contain(("/reifegrad", "type", "integer")));
        Assert.That(worded, Does.Contain(("/nameEn", "required", "")), "a missing field is reported at itself, not at its parent");
        Assert.That(errors.Single(e => e.Field == "/summary").Reason, Does.EndWith("(maxLength)"), "the command line keeps the library's reason");
    }

    [Test]
    public void A_metered_price_without_its_open_tier_is_reported_at_the_tiers_as_contains()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Catalog, "offerings", Directory.EnumerateFiles(Path.Combine(RepoPaths.Catalog, "offerings"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).First(f => File.ReadAllText(Path.Combine(RepoPaths.Catalog, "offerings", f!)).Contains("upTo: null"))!));
        text = text.Replace("upTo: null", "upTo: 1000000");

        var (_, errors) = CatalogLoader.ParseOne<OfferingDescriptor>(RepoPaths.Catalog, "offering", "angebot.yaml", text);

        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.All(e => e.Field.EndsWith("/tiers", StringComparison.Ordinal) && e.Keyword is "contains" or "minContains"), Is.True,
            string.Join(" | ", errors.Select(e => $"{e.Field} {e.Keyword} {e.Reason}")));
    }
}
