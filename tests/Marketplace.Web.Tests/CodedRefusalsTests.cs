using System.Text.RegularExpressions;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>
/// Every refusal src/ raises carries a code, so the API and the pages word it in the reader's language: an uncoded
/// refusal shows its service's own wording to everyone.
/// </summary>
public partial class CodedRefusalsTests
{
    // A refusal built with a message alone: conflicts and denials, a not-found with a text instead of kind and id, a
    // field error made without a code, the kernel's two uncoded shortcuts, a conformance refusal made whole (its
    // factories take a code), and a validation problem written by hand (the kernel's CodedProblems words them).
    [GeneratedRegex("""new (?:ConflictException|ForbiddenException)\(|new NotFoundException\(\$?"[^"]*"\)|new FieldError\(|RequestValidationException\.(?:For|From)\(|new ConformanceException\(|new HttpValidationProblemDetails\(""")]
    private static partial Regex Uncoded();

    [GeneratedRegex(@";[ \t]*(?:\r?\n|$)")]
    private static partial Regex StatementEnd();

    [Test]
    public void Every_refusal_in_the_sources_carries_a_code()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.StartsWith("Marketplace.Kernel/", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            foreach (Match m in Uncoded().Matches(text))
            {
                // The statement the refusal is built in (up to the semicolon that ends a line: messages hold semicolons too);
                // a code set on it ({ Code = … }) makes it coded.
                var end = StatementEnd().Match(text, m.Index);
                var statement = text[m.Index..(end.Success ? end.Index : text.Length)];
                if (!statement.Contains("Code =", StringComparison.Ordinal))
                    found.Add($"{relative}:{text[..m.Index].Count(c => c == '\n') + 1}: {statement.Split('\n')[0].Trim()}");
            }
        }
        Assert.That(found, Is.Empty, "give the refusal a code with its text in tools/texts");
    }

    [Test]
    public void The_scan_finds_uncoded_refusals_and_passes_coded_ones()
    {
        Assert.That(Uncoded().IsMatch("throw new ConflictException($\"job {id} is dead\");"), Is.True);
        Assert.That(Uncoded().IsMatch("throw new NotFoundException($\"Kein Wunsch „{id}“.\");"), Is.True);
        Assert.That(Uncoded().IsMatch("throw new NotFoundException(\"order\", id);"), Is.False);
        Assert.That(Uncoded().IsMatch("errors.Add(new FieldError(\"x\", \"y\"));"), Is.True);
        Assert.That(Uncoded().IsMatch("errors.Add(FieldError.Coded(\"x\", \"code\", \"y\"));"), Is.False);
        Assert.That(Uncoded().IsMatch("throw new ConformanceException(ConformanceErrorKind.Invalid, \"Die Version ist ungültig.\", errors);"), Is.True);
        Assert.That(Uncoded().IsMatch("throw ConformanceException.Conflict(\"offering.retired\", \"Zurückgezogen.\");"), Is.False);
        Assert.That(Uncoded().IsMatch("return TypedResults.Problem(new HttpValidationProblemDetails(errors));"), Is.True);
    }
}
