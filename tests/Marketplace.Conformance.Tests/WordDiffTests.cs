using Marketplace.Conformance.Review;
using NUnit.Framework;

namespace Marketplace.Conformance.Tests;

public class WordDiffTests
{
    [Test]
    public void Only_the_changed_words_of_a_long_text_are_marked()
    {
        var segments = WordDiff.Between("Die Anmeldung für die Kita erfolgt online.", "Die Anmeldung für den Hort erfolgt online.");
        Assert.That(segments.Select(s => (s.Kind, s.Text)), Is.EqualTo(new[]
        {
            (TextSegmentKind.Same, "Die Anmeldung für "),
            (TextSegmentKind.Removed, "die Kita"),
            (TextSegmentKind.Added, "den Hort"),
            (TextSegmentKind.Same, " erfolgt online."),
        }));
    }

    [Test]
    public void Line_endings_alone_are_no_change()
    {
        Assert.That(WordDiff.SameText("Zeile eins\r\nZeile zwei", "Zeile eins\nZeile zwei"), Is.True);
        Assert.That(WordDiff.Between("a\r\nb", "a\nb").Select(s => s.Kind), Is.EqualTo(new[] { TextSegmentKind.Same }));
    }

    [Test]
    public void Both_sides_are_rebuilt_exactly_from_their_segments()
    {
        const string before = "Online-Antrag mit BundID.\nBezahlung per ePayment.";
        const string after = "Online-Antrag mit BundID und Nutzerkonto.\nBezahlung per Rechnung.";
        var segments = WordDiff.Between(before, after);
        Assert.That(string.Concat(segments.Where(s => s.Kind != TextSegmentKind.Added).Select(s => s.Text)), Is.EqualTo(before));
        Assert.That(string.Concat(segments.Where(s => s.Kind != TextSegmentKind.Removed).Select(s => s.Text)), Is.EqualTo(after));
    }
}
