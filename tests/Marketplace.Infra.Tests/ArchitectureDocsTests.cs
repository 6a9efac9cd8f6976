using System.Text.RegularExpressions;
using System.Xml.Linq;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Infra.Tests;

/// <summary>
/// The documents stay true to the code: README's architecture diagram shows every project under src/ with exactly the
/// project references its .csproj declares, and the runbook names every in-process cache with its freshness.
/// </summary>
public partial class ArchitectureDocsTests
{
    private static string Src => Path.Combine(RepoPaths.Root, "src");

    /// <summary>
    /// Project name → the projects it references, read from the .csproj files: <paramref name="buildOnly"/> false gives
    /// the references whose assembly the project uses, true those only built alongside (ReferenceOutputAssembly="false").
    /// </summary>
    public static Dictionary<string, HashSet<string>> ProjectReferences(bool buildOnly = false) =>
        Directory.GetDirectories(Src).SelectMany(d => Directory.GetFiles(d, "*.csproj")).ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f => XDocument.Load(f).Descendants("ProjectReference")
                .Where(r => string.Equals((string?)r.Attribute("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase) == buildOnly)
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToHashSet());

    /// <summary>The mermaid flowchart of README's Architecture section: projects (by their label) and solid arrows between them.</summary>
    public static (HashSet<string> Projects, HashSet<(string From, string To)> Arrows, List<string> Unknown) Diagram(string readme) => Diagram(readme, ArrowPattern());

    /// <summary>The dotted arrows between projects (built alongside, not referenced).</summary>
    public static HashSet<(string From, string To)> DottedArrows(string readme) => Diagram(readme, DottedArrowPattern()).Arrows;

    private static (HashSet<string> Projects, HashSet<(string From, string To)> Arrows, List<string> Unknown) Diagram(string readme, Regex arrow)
    {
        var section = readme[readme.IndexOf("## Architecture", StringComparison.Ordinal)..];
        var start = section.IndexOf("```mermaid", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README's Architecture section has a mermaid diagram");
        var body = section[(start + 10)..section.IndexOf("```", start + 10, StringComparison.Ordinal)];
        var nodes = NodePattern().Matches(body).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var arrows = new HashSet<(string, string)>();
        var unknown = new List<string>();
        foreach (Match edge in arrow.Matches(body))
            foreach (var target in edge.Groups[2].Value.Split('&', StringSplitOptions.TrimEntries))
            {
                if (!nodes.TryGetValue(edge.Groups[1].Value, out var from) || !nodes.TryGetValue(target, out var to)) unknown.Add($"{edge.Groups[1].Value} --> {target}");
                else arrows.Add((from, to));
            }
        return (nodes.Values.ToHashSet(), arrows, unknown);
    }

    [Test]
    public void The_README_diagram_shows_every_project_and_every_project_reference()
    {
        var projects = ProjectReferences();
        var (drawn, arrows, unknown) = Diagram(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")));
        Assert.That(projects, Has.Count.GreaterThanOrEqualTo(11));
        Assert.That(unknown, Is.Empty, "a solid arrow joins two project nodes; other nodes take dotted arrows");
        Assert.That(drawn, Is.EquivalentTo(projects.Keys), "one node per project under src/, labelled with its name");
        var references = projects.SelectMany(p => p.Value.Select(r => (p.Key, r))).ToHashSet();
        var builtAlongside = ProjectReferences(buildOnly: true).SelectMany(p => p.Value.Select(r => (p.Key, r))).ToHashSet();
        var dotted = DottedArrows(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")))
            .Where(a => projects.ContainsKey(a.From) && projects.ContainsKey(a.To)).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(references.Except(arrows).Select(a => $"{a.Item1} --> {a.Item2}"), Is.Empty, "references the diagram misses");
            Assert.That(arrows.Except(references).Select(a => $"{a.Item1} --> {a.Item2}"), Is.Empty, "arrows no project file declares");
            Assert.That(dotted, Is.EquivalentTo(builtAlongside), "projects built alongside are drawn with a dotted arrow");
        });
    }

    [Test]
    public void The_production_host_does_not_reference_the_sample_broker_even_indirectly()
    {
        var projects = ProjectReferences();
        var used = new HashSet<string>();
        var next = new Stack<string>(["Marketplace.Web"]);
        while (next.TryPop(out var project))
            foreach (var reference in projects[project])
                if (used.Add(reference)) next.Push(reference);
        Assert.That(used, Does.Contain("Marketplace.Provisioning").And.Contain("Marketplace.Catalog"), "the walk follows references");
        Assert.That(used, Does.Not.Contain("Marketplace.SampleBroker").And.Not.Contain("Marketplace.DevelopmentHosting"));
        Assert.That(ProjectReferences(buildOnly: true)["Marketplace.Web"], Is.EquivalentTo(new[] { "Marketplace.DevelopmentHosting" }),
            "the development services are only built alongside the host, for dotnet run");
    }

    [Test]
    public void The_diagram_check_notices_a_missing_arrow_and_a_missing_project()
    {
        const string readme = """
            ## Architecture
            ```mermaid
            flowchart TB
                Web["Marketplace.Web<br/>host"]
                Storage["Marketplace.Storage"]
                DB[("SQLite")]
                Web --> Storage & Catalog
                Storage -.-> DB
            ```
            """;
        var (drawn, arrows, unknown) = Diagram(readme);
        Assert.That(drawn, Is.EquivalentTo(new[] { "Marketplace.Web", "Marketplace.Storage" }));
        Assert.That(arrows, Is.EquivalentTo(new[] { ("Marketplace.Web", "Marketplace.Storage") }));
        Assert.That(unknown, Is.EqualTo(new[] { "Web --> Catalog" }));
    }

    /// <summary>Types that hold process-wide state without being caches (the reason beside each).</summary>
    private static readonly Dictionary<string, string> NotCaches = new()
    {
        ["DapperSetup"] = "registers Dapper's type handlers once",
    };

    /// <summary>
    /// Every type under src/ (the sample broker excepted: a test double) that keeps answers in a MemoryCache, a
    /// ConcurrentDictionary or ConditionalWeakTable field, a volatile snapshot field, or that calls itself a cache.
    /// </summary>
    public static SortedSet<string> CacheHolders()
    {
        var holders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Src, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains("Marketplace.SampleBroker", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var types = TypePattern().Matches(text).Select(m => (m.Index, Name: m.Groups[1].Value)).ToList();
            foreach (Match field in CacheFieldPattern().Matches(text))
                if (types.LastOrDefault(t => t.Index < field.Index) is { Name: { } name }) holders.Add(name);
            foreach (var (_, name) in types.Where(t => t.Name.EndsWith("Cache", StringComparison.Ordinal))) holders.Add(name);
        }
        holders.ExceptWith(NotCaches.Keys);
        return holders;
    }

    [Test]
    public void The_runbook_names_every_in_process_cache()
    {
        var holders = CacheHolders();
        Assert.That(holders, Is.SupersetOf(new[] { "SearchResponseCache", "CachedTokenValidation", "OfferingDirectory", "BrokerTokenCache" }),
            "the scan finds the known caches");
        var runbook = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "RUNBOOK.md"));
        Assert.That(holders.Where(h => !runbook.Contains($"`{h}`", StringComparison.Ordinal)), Is.Empty,
            "name each cache in infra/RUNBOOK.md (\"What each instance keeps for itself\") with how late it may be");
    }

    [GeneratedRegex(@"^\s*(\w+)\[""?\(?""?(Marketplace\.[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NodePattern();

    [GeneratedRegex(@"^\s*(\w+)\s*-->\s*([\w\s&]+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex ArrowPattern();

    [GeneratedRegex(@"^\s*(\w+)\s*-\.(?:[^.\n]*\.)?->\s*([\w\s&]+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex DottedArrowPattern();

    // Top-level types only (file-scoped namespaces leave them unindented), so a nested record does not take the field.
    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|partial|abstract)\s+)*(?:class|record|struct)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"private\s+(?:static\s+)?(?:readonly\s+)?(?:volatile\s+\w+|(?:System\.Collections\.Concurrent\.)?ConcurrentDictionary<|MemoryCache\??\s|ConditionalWeakTable<)")]
    private static partial Regex CacheFieldPattern();
}
