using Marketplace.Web.Pages;
using Microsoft.Extensions.Localization;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>The engine's German messages map to the right resource key with their values, the most specific pattern first.</summary>
public class EngineMessagesTests
{
    /// <summary>Answers "key|arg|arg" so the test sees which resource and which values were chosen.</summary>
    private sealed class KeyLocalizer : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);
        public LocalizedString this[string name, params object[] arguments] => new(name, string.Join("|", [name, .. arguments.Select(a => a.ToString())]));
        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }

    [TestCase("mindestens 3 Zeichen", "Engine.MinLength|3")]
    [TestCase("mindestens 2 Einträge", "Engine.MinItems|2")]
    [TestCase("mindestens 6", "Engine.Minimum|6")]
    [TestCase("höchstens 400 Zeichen", "Engine.MaxLength|400")]
    [TestCase("keine gültige E-Mail-Adresse", "Engine.Email")]
    [TestCase("Pflichtangabe fehlt: Behörde", "Engine.RequiredMissing|Behörde")]
    [TestCase("eine Meldung, die niemand kennt", "eine Meldung, die niemand kennt")]
    public void Messages_map_to_their_resource(string message, string expected) =>
        Assert.That(new KeyLocalizer().Localize(message), Is.EqualTo(expected));
}
