using System.Text.RegularExpressions;
using Marketplace.Catalog.Api;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Residency;
using Marketplace.Catalog.Search;
using Marketplace.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>Data residency in descriptors, in search facets, and against a municipality's data policy.</summary>
public class ResidencyTests
{
    private static HostingDescriptor Hosting(string kind, (string, string?) primary, (string, string?) backup, string access,
        params SubProcessorDescriptor[] subs) => new("DE", "RZ", null)
    {
        Operator = new OperatorDescriptor("Betreiber " + kind, kind),
        PrimaryStorage = new DataPlace(primary.Item1, primary.Item2),
        BackupStorage = new DataPlace(backup.Item1, backup.Item2),
        ThirdCountryAccess = new ThirdCountryAccessDescriptor(access, access == "possible" ? "Mutter in den USA" : null),
        SubProcessors = subs,
    };

    private static readonly HostingDescriptor Municipal = Hosting("kommunal", ("DE", "BY"), ("DE", "BY"), "none",
        new SubProcessorDescriptor("Rechenzentrum", "Betrieb", "DE", "BY"));
    private static readonly HostingDescriptor Hyperscaler = Hosting("hyperscaler", ("NL", null), ("IE", null), "possible",
        new SubProcessorDescriptor("Push-Dienst", "Push", "US"));
    private static readonly HostingDescriptor PrivateOtherLand = Hosting("privat", ("DE", "HE"), ("DE", "BY"), "none");

    [Test]
    public void Every_seed_offering_declares_operator_storage_third_country_access_and_sub_processors()
    {
        var s = CatalogLoader.Load(RepoPaths.Catalog).Snapshot!;
        foreach (var o in s.Offerings.Select(x => x.Value))
        {
            var h = o.Hosting;
            Assert.That(h.Operator, Is.Not.Null, o.Id);
            Assert.That(h.PrimaryStorage, Is.Not.Null, o.Id);
            Assert.That(h.BackupStorage, Is.Not.Null, o.Id);
            Assert.That(h.ThirdCountryAccess, Is.Not.Null, o.Id);
            Assert.That(h.SubProcessorList, Is.Not.Empty, o.Id);
            Assert.That(h.ObjectionPeriodDays, Is.Not.Null, o.Id);
        }
        var hostings = s.Offerings.Select(x => x.Value.Hosting).ToList();
        Assert.That(hostings.Select(h => h.Operator!.Kind).Distinct(), Is.EquivalentTo(OperatorKinds.All), "every kind of operator is in the demo");
        Assert.That(hostings.Select(h => h.ThirdCountryAccess!.Level).Distinct(), Is.EquivalentTo(ThirdCountryAccessLevels.All));
        Assert.That(hostings.Select(h => h.Operator!.Name), Has.Some.Contains("Dataport").And.Some.Contains("AKDB").And.Some.Contains("ekom21"));
    }

    [Test]
    public void A_descriptor_without_the_residency_fields_stays_valid()
    {
        using var folder = new CatalogFolder();
        folder.Edit(CatalogFolder.FirstOffering, t => Regex.Replace(t, @"(?ms)^  operator:.*?(?=^  objectionPeriodDays)", "").Replace("  objectionPeriodDays: 14\n", ""));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
        Assert.That(result.Snapshot!.Offerings.First().Value.Hosting.Operator, Is.Null);
    }

    [TestCase("    level: possible\n", "    level: sometimes\n", "/hosting/thirdCountryAccess/level")]
    [TestCase("    kind: hyperscaler\n", "    kind: cloud\n", "/hosting/operator/kind")]
    [TestCase("  primaryStorage: { country: NL }", "  primaryStorage: { country: DE }", "/hosting/primaryStorage")]
    [TestCase("  backupStorage: { country: IE }", "  backupStorage: { country: IE, land: BY }", "/hosting/backupStorage")]
    [TestCase("      country: US\n", "      country: usa\n", "/hosting/subProcessors/1/country")]
    public void A_bad_residency_value_is_reported_at_its_field(string from, string to, string field)
    {
        using var folder = new CatalogFolder();
        folder.Edit(CatalogFolder.FirstOffering, t => t.Replace(from, to));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Errors.Select(e => e.Field), Has.Some.StartsWith(field), string.Join("\n", result.Errors));
    }

    [Test]
    public void Third_country_access_possible_needs_a_reason()
    {
        using var folder = new CatalogFolder();
        folder.Edit(CatalogFolder.FirstOffering, t => Regex.Replace(t, @"(?m)^    reason: .*\n", ""));
        var result = CatalogLoader.Load(folder.Path);
        Assert.That(result.Errors.Select(e => e.Field), Has.Some.EqualTo("/hosting/thirdCountryAccess"), string.Join("\n", result.Errors));
    }

    [Test]
    public void Facets_count_and_filter_by_operator_kind_data_location_and_third_country_access()
    {
        using var index = new CatalogSearchIndex(TestCatalogue.Build(
                TestCatalogue.Offering("a", "Kommunal", "alpha", "10001") with { Hosting = Municipal },
                TestCatalogue.Offering("b", "Cloud", "beta", "10001") with { Hosting = Hyperscaler },
                TestCatalogue.Offering("c", "Privat", "alpha", "10002") with { Hosting = PrivateOtherLand },
                TestCatalogue.Offering("d", "Alt", "beta", "10002")),
            new GermanSearchAnalyzer(TestCatalogue.Dictionary));
        SearchResult Search(params (string Facet, string[] Values)[] filters) =>
            index.Search(new SearchRequest(null, filters.ToDictionary(f => f.Facet, f => (IReadOnlyList<string>)f.Values), null, 1, 20));

        var all = Search();
        Assert.That(all.Facets[Facets.OperatorKind].Select(v => (v.Value, v.Count)), Is.EquivalentTo(new[] { ("kommunal", 1), ("hyperscaler", 1), ("privat", 1) }));
        Assert.That(all.Facets[Facets.DataCountry].Select(v => (v.Value, v.Count)), Is.EquivalentTo(new[] { ("DE", 2), ("NL", 1), ("IE", 1) }));
        Assert.That(all.Facets[Facets.DataLand].Select(v => v.Value), Is.EqualTo(new[] { "BY", "HE" }), "Länder in key order");
        Assert.That(all.Facets[Facets.ThirdCountryAccess].Select(v => (v.Value, v.Count)), Is.EquivalentTo(new[] { ("none", 2), ("possible", 1) }));

        Assert.That(Search((Facets.ThirdCountryAccess, ["none"])).Items.Select(i => i.Id), Is.EquivalentTo(new[] { "a", "c" }));
        Assert.That(Search((Facets.DataLand, ["BY"]), (Facets.OperatorKind, ["privat"])).Items.Select(i => i.Id), Is.EqualTo(new[] { "c" }));
        Assert.That(Search((Facets.DataCountry, ["NL"])).Items.Select(i => i.Id), Is.EqualTo(new[] { "b" }));
    }

    [TestCase("operatorKind", "cloud")]
    [TestCase("thirdCountryAccess", "maybe")]
    [TestCase("dataCountry", "Deutschland")]
    [TestCase("dataLand", "by")]
    public void A_bad_residency_filter_is_an_error_naming_the_parameter(string facet, string value)
    {
        var parsed = SearchQueryParser.Parse(new QueryCollection(new Dictionary<string, StringValues> { [facet] = value }));
        Assert.That(parsed.Request, Is.Null);
        Assert.That(parsed.Errors.Select(e => e.Field), Is.EqualTo(new[] { facet }));
    }

    [Test]
    public void An_empty_policy_fits_everything()
    {
        Assert.That(DataPolicyFit.Evaluate(Hyperscaler, DataPolicy.None, "BY").Fits, Is.True);
        Assert.That(DataPolicyFit.Evaluate(new HostingDescriptor("DE", "RZ", null), DataPolicy.None, "BY").Fits, Is.True);
    }

    [Test]
    public void Only_germany_rejects_storage_and_sub_processors_abroad()
    {
        var policy = DataPolicy.None with { OnlyGermany = true };
        Assert.That(DataPolicyFit.Evaluate(Municipal, policy, "BY").Fits, Is.True);
        var fit = DataPolicyFit.Evaluate(Hyperscaler, policy, "BY");
        Assert.That(fit.Violations.Select(v => v.Code),
            Is.EquivalentTo(new[] { "primary-outside-germany", "backup-outside-germany", "subprocessor-outside-germany" }));
        Assert.That(fit.Violations.Single(v => v.Code == "subprocessor-outside-germany").Args, Is.EqualTo(new[] { "Push-Dienst", "US" }));
    }

    [Test]
    public void Only_our_land_checks_primary_and_backup_against_the_municipalitys_land()
    {
        var policy = DataPolicy.None with { OnlyOwnLand = true };
        Assert.That(DataPolicyFit.Evaluate(Municipal, policy, "BY").Fits, Is.True);
        var fit = DataPolicyFit.Evaluate(PrivateOtherLand, policy, "BY");
        Assert.That(fit.Violations.Select(v => (v.Code, v.Args[0])), Is.EqualTo(new[] { ("primary-outside-land", "HE") }));
        Assert.That(DataPolicyFit.Evaluate(Municipal, policy, "HE").Violations, Has.Count.EqualTo(2));
    }

    [Test]
    public void Public_operators_only_accepts_municipal_and_state_operators()
    {
        var policy = DataPolicy.None with { PublicOperatorsOnly = true };
        Assert.That(DataPolicyFit.Evaluate(Municipal, policy, "BY").Fits, Is.True);
        Assert.That(DataPolicyFit.Evaluate(Municipal with { Operator = new("Landesrechenzentrum", "land") }, policy, "BY").Fits, Is.True);
        Assert.That(DataPolicyFit.Evaluate(PrivateOtherLand, policy, "BY").Violations.Single().Code, Is.EqualTo("operator-not-public"));
    }

    [Test]
    public void No_third_country_access_rejects_declared_access_and_processing_outside_the_EU()
    {
        var policy = DataPolicy.None with { NoThirdCountryAccess = true };
        Assert.That(DataPolicyFit.Evaluate(PrivateOtherLand, policy, "BY").Fits, Is.True);
        Assert.That(DataPolicyFit.Evaluate(Hyperscaler, policy, "BY").Violations.Select(v => v.Code),
            Is.EquivalentTo(new[] { "third-country-access", "subprocessor-third-country" }), "NL and IE are in the EU");
        var swiss = Municipal with { PrimaryStorage = new DataPlace("CH"), ThirdCountryAccess = new("eu") };
        Assert.That(DataPolicyFit.Evaluate(swiss, policy, "BY").Violations.Select(v => v.Code), Is.EqualTo(new[] { "primary-third-country" }));
    }

    [Test]
    public void What_a_descriptor_does_not_state_counts_against_every_rule()
    {
        var fit = DataPolicyFit.Evaluate(new HostingDescriptor("DE", "RZ", null), new DataPolicy(true, true, true, true), "BY");
        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Violations.Select(v => v.Rule).Distinct(), Is.EquivalentTo(new[]
            { DataPolicyFit.RuleOnlyGermany, DataPolicyFit.RuleOnlyOwnLand, DataPolicyFit.RulePublicOperatorsOnly, DataPolicyFit.RuleNoThirdCountryAccess }));
        Assert.That(fit.Violations.Select(v => v.Code).Distinct(), Is.EqualTo(new[] { "not-stated" }));
    }
}
