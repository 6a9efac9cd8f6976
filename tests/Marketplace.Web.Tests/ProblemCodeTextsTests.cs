using System.Text.RegularExpressions;
using System.Xml.Linq;
using Marketplace.Catalog.Queries;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// Every stable code a refusal carries in src/ has its text "Problem.&lt;code&gt;" in German and in English: pages and
/// problem details word errors by code alone, so a code without a text would show its German fallback to English readers.
/// </summary>
public partial class ProblemCodeTextsTests
{
    // FieldError.Coded(field, "code", …), RequestValidationException.Coded(…), a local Coded("code", …),
    // { Code = "code" }, the descriptor checks' codes (they travel in tuples), and codes made of a prefix and a reason.
    [GeneratedRegex("""\bCoded\((?:\$?"[^"]*"|[^,()"]*),\s*"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)"|\bCoded\("([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)"|\bCode = "([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)"|"(descriptor\.[a-z0-9-]+)"|"(order\.not-orderable\.)" \+""")]
    private static partial Regex Code();

    private static IEnumerable<string> CodesInSources()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            foreach (Match m in Code().Matches(File.ReadAllText(file)))
            {
                if (m.Groups[5].Success)
                    foreach (var reason in typeof(NotOrderableReasons).GetFields().Select(f => (string)f.GetValue(null)!)) yield return m.Groups[5].Value + reason;
                else yield return m.Groups.Values.Skip(1).First(g => g.Success).Value;
            }
        }
    }

    private static HashSet<string> Keys(string file) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "src", "Marketplace.Web", "Resources", file)).Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);

    [Test]
    public void Every_code_used_in_the_sources_has_a_text_in_German_and_English()
    {
        var codes = CodesInSources().ToHashSet(StringComparer.Ordinal);
        Assert.That(codes, Does.Contain("min-length").And.Contain("order.already-subscribed").And.Contain("descriptor.unknown-area")
            .And.Contain("order.not-orderable.land"), "the scan finds the codes of each kind of site");
        foreach (var (file, language) in new[] { ("SharedResource.resx", "German"), ("SharedResource.en.resx", "English") })
        {
            var keys = Keys(file);
            Assert.That(codes.Where(c => !keys.Contains("Problem." + c)).Order(StringComparer.Ordinal), Is.Empty, $"codes without a {language} text");
        }
    }
}
