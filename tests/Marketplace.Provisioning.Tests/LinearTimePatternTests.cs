using System.Text.Json.Nodes;
using Marketplace.Provisioning.Configuration;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>
/// A vendor's tenant schema patterns run on the linear-time engine. With JsonSchema.Net's own (backtracking, no time
/// limit), "^(a+)+$" against 24 a's and a "!" took 0.4 s, and each further character doubles it: the value below would
/// hold a thread for longer than the universe has existed. The wait is a hang detector, not a timing target.
/// </summary>
public class LinearTimePatternTests
{
    private static TenantSchema Schema(string properties) =>
        TenantSchema.For((JsonObject)JsonNode.Parse("""{"type":"object","properties":{""" + properties + "}}")!);

    [TestCase("^(a+)+$")]
    [TestCase("^(a|a)*$")]
    [TestCase("^([a-z]+)*[0-9]$")]
    public void A_hostile_pattern_refuses_a_long_value_at_once(string pattern)
    {
        var schema = Schema($$"""
            "code":{"type":"string","pattern":{{System.Text.Json.JsonSerializer.Serialize(pattern)}}}
            """);
        var check = Task.Run(() => schema.Validate(new JsonObject { ["code"] = new string('a', 5_000) + "!" }, requireComplete: false));
        Assert.That(check.Wait(TimeSpan.FromSeconds(60)), Is.True, "the pattern check did not finish");
        Assert.That(check.Result.Select(e => (e.Field, e.Code)), Is.EqualTo(new[] { ("/code", "pattern") }));
    }

    /// <summary>Naming another dialect with $schema must not bring the backtracking engine back.</summary>
    [TestCase("http://json-schema.org/draft-06/schema#")]
    [TestCase("http://json-schema.org/draft-07/schema#")]
    [TestCase("https://json-schema.org/draft/2019-09/schema")]
    [TestCase("https://json-schema.org/draft/2020-12/schema")]
    public void Every_dialect_a_schema_may_name_matches_in_linear_time(string dialect)
    {
        var schema = TenantSchema.For((JsonObject)JsonNode.Parse("""{"$schema":""" + $"\"{dialect}\"" + ""","type":"object","properties":{"code":{"type":"string","pattern":"^(a+)+$"}}}""")!);
        var check = Task.Run(() => schema.Validate(new JsonObject { ["code"] = new string('a', 5_000) + "!" }, requireComplete: false));
        Assert.That(check.Wait(TimeSpan.FromSeconds(60)), Is.True, "the pattern check did not finish");
        Assert.That(check.Result, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_hostile_pattern_property_refuses_a_long_name_at_once()
    {
        var schema = TenantSchema.For((JsonObject)JsonNode.Parse("""{"type":"object","patternProperties":{"^(a+)+$":{"type":"integer"}}}""")!);
        var check = Task.Run(() => schema.Validate(new JsonObject { [new string('a', 5_000) + "!"] = "x" }, requireComplete: false));
        Assert.That(check.Wait(TimeSpan.FromSeconds(60)), Is.True, "the property-name check did not finish");
        Assert.That(check.Result, Is.Empty, "the name does not match, so its value is not checked against the integer schema");
    }

    [TestCase("^[0-9]{5}$", "12345", true)]
    [TestCase("^[0-9]{5}$", "1234a", false)]
    [TestCase("^https://", "https://example.org", true)]
    [TestCase("^https://", "http://example.org", false)]
    [TestCase("[A-Z]{2}", "xxBYxx", true)] // unanchored, as JSON Schema says: found anywhere
    [TestCase("^\\d{5}$", "80331", true)]
    [TestCase("^\\d{5}$", "٨٠٣٣١", false)] // ECMAScript's \d is ASCII only
    [TestCase("^[\\d-]+$", "0421-361", true)]
    [TestCase("^[\\d-]+$", "0421-٣٦١", false)]
    [TestCase("^\\w+$", "Bürgeramt", false)]
    [TestCase("^\\w+$", "Buergeramt_1", true)]
    [TestCase("^a\\\\d$", "a\\d", true)] // an escaped backslash stays one
    public void Ordinary_patterns_match_as_before(string pattern, string value, bool valid)
    {
        var schema = Schema($$"""
            "code":{"type":"string","pattern":{{System.Text.Json.JsonSerializer.Serialize(pattern)}}}
            """);
        Assert.That(schema.Validate(new JsonObject { ["code"] = value }, requireComplete: false), valid ? Is.Empty : Is.Not.Empty);
    }
}
