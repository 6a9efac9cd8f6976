using System.Diagnostics;
using Marketplace.Catalog.Descriptors;
using NUnit.Framework;

namespace Marketplace.Catalog.Tests;

/// <summary>Hostile descriptor text is refused in one linear pass: no recursion per level, no alias expansion.</summary>
public class YamlDocumentLimitsTests
{
    private static DescriptorException Refused(string text, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<DescriptorException>(() => YamlDocument.Parse(text))!;
        Assert.That(watch.Elapsed, Is.LessThan(within), "refused quickly");
        return e;
    }

    [Test]
    public void A_flow_sequence_nested_twenty_thousand_deep_is_refused_in_milliseconds_without_overflowing_the_stack()
    {
        var text = new string('[', 20_000) + new string(']', 20_000);
        Assert.That(Refused(text, TimeSpan.FromMilliseconds(500)).Reason, Does.Contain("deeper than"));
    }

    [Test]
    public void A_block_mapping_nested_beyond_the_limit_is_refused_and_one_within_it_is_read()
    {
        string Nested(int depth) => string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', 2 * i) + "k:\n")) + new string(' ', 2 * depth) + "leaf: 1\n";
        Assert.That(Refused(Nested(YamlDocument.MaxDepth + 5), TimeSpan.FromMilliseconds(500)).Reason, Does.Contain("deeper than"));
        Assert.That(YamlDocument.Parse(Nested(YamlDocument.MaxDepth - 1)).Root, Is.Not.Null);
    }

    [Test]
    public void An_alias_bomb_of_a_few_hundred_bytes_is_refused_before_anything_is_expanded()
    {
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            + string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(",", Enumerable.Repeat("*" + (char)('a' + i), 9))}]\n"));
        Assert.That(bomb.Length, Is.LessThan(600));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Refused(bomb, TimeSpan.FromMilliseconds(500));
        Assert.That(e.Reason, Does.Contain("anchors").Or.Contain("aliases"));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(10 * 1024 * 1024), "bounded memory");
    }

    [Test]
    public void Text_longer_than_the_limit_is_refused_before_it_is_parsed()
    {
        var text = "description: \"" + new string('x', YamlDocument.MaxChars) + "\"\n";
        Assert.That(Refused(text, TimeSpan.FromMilliseconds(200)).Reason, Does.Contain("longer than"));
    }

    [Test]
    public void More_values_than_the_limit_are_refused()
    {
        var text = "items: [" + string.Join(",", Enumerable.Repeat("1", YamlDocument.MaxNodes + 1)) + "]\n";
        Assert.That(Refused(text, TimeSpan.FromSeconds(1)).Reason, Does.Contain("more than"));
    }

    [Test]
    public void A_mapping_or_list_used_as_a_key_is_refused_naming_its_line()
    {
        var e = Refused("id: x\n? [a, b]\n: value\n", TimeSpan.FromMilliseconds(500));
        Assert.That((e.Line, e.Reason), Is.EqualTo((2, "a key must be a plain value, not a mapping or a list")));
        Assert.That(Refused("{a: 1}: 2\n", TimeSpan.FromMilliseconds(500)).Reason, Does.Contain("plain value"));
    }
}
