using System.Text.RegularExpressions;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Infra.Tests;

/// <summary>
/// CI runs exactly the test command the README gives, and that command builds before it tests: in one
/// <c>dotnet test</c> of the solution MSBuild runs the test projects one after another (see README, "Run the tests").
/// </summary>
public partial class TestCommandTests
{
    private static string Readme => File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    /// <summary>The first line of the first bash block under README's "## Run the tests".</summary>
    private static string ReadmeTestCommand()
    {
        var section = Readme[Readme.IndexOf("## Run the tests", StringComparison.Ordinal)..];
        return FirstBashLine().Match(section).Groups[1].Value.Trim();
    }

    [Test]
    public void CI_runs_the_README_test_command()
    {
        var command = ReadmeTestCommand();
        var ci = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".ci", "run")).Select(l => l.Trim());
        Assert.That(ci, Does.Contain(command), $".ci/run runs the README's test command: {command}");
    }

    [Test]
    public void The_test_command_builds_first_and_tests_what_was_built()
    {
        var command = ReadmeTestCommand();
        Assert.That(command, Does.Match(@"^dotnet build Marketplace\.sln && dotnet test Marketplace\.sln --no-build\b"));
    }

    [Test]
    public void The_solution_lists_the_test_projects_before_the_others_so_the_longest_start_first()
    {
        var projects = SolutionProject().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "Marketplace.sln")))
            .Select(m => m.Groups[1].Value).Where(p => p.StartsWith("Marketplace.", StringComparison.Ordinal)).ToList();
        var firstOther = projects.FindIndex(p => !p.EndsWith(".Tests", StringComparison.Ordinal));
        var lastTest = projects.FindLastIndex(p => p.EndsWith(".Tests", StringComparison.Ordinal));
        Assert.That(lastTest, Is.LessThan(firstOther), string.Join(", ", projects));
        Assert.That(projects.Take(2), Is.EquivalentTo(new[] { "Marketplace.Browser.Tests", "Marketplace.Identity.Tests" }), "the two longest first");
    }

    [GeneratedRegex(@"```bash\r?\n([^\r\n]+)")]
    private static partial Regex FirstBashLine();

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""([^""]+)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
