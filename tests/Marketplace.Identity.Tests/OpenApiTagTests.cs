using System.Text.Json.Nodes;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The OpenAPI document groups operations by module, in English: every operation carries exactly one known tag.</summary>
public class OpenApiTagTests
{
    [Test]
    public async Task Every_operation_has_exactly_one_tag_from_the_known_set()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        using var browser = host.Browser();
        var document = JsonNode.Parse(await browser.GetStringAsync("/swagger/v1/swagger.json"))!;
        var problems = new List<string>();
        var used = new HashSet<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                var tags = operation!["tags"]?.AsArray().Select(t => (string)t!).ToList() ?? [];
                used.UnionWith(tags);
                if (tags.Count != 1 || !ApiTags.All.Contains(tags[0])) problems.Add($"{method} {path}: [{string.Join(", ", tags)}]");
            }
        Assert.That(problems, Is.Empty, "tag each operation with one of ApiTags.All");
        // Every module's tag is in use, so the known set holds no leftover.
        Assert.That(used, Is.EquivalentTo(ApiTags.All));
    }
}
