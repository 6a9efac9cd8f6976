using Marketplace.Conformance.Review;
using Marketplace.Web.Pages.Pruefung;
using NUnit.Framework;

namespace Marketplace.Web.Tests;

/// <summary>The review page shows a changed text as text with its changed words marked, and other values as readable JSON.</summary>
public class ReviewDiffViewTests
{
    [Test]
    public void A_changed_text_is_shown_as_text_with_the_changed_words_marked()
    {
        var view = DiffView.Of(new FieldChange("/name", "\"Hundesteuer online\"", "\"Hundesteuer f\\u00FCr alle\""));
        Assert.That(view.IsText, Is.True);
        Assert.That(DiffView.Html(view.Before, "del").ToString(), Is.EqualTo("Hundesteuer <del>online</del>"));
        Assert.That(DiffView.Html(view.After, "ins").ToString(), Is.EqualTo("Hundesteuer <ins>für alle</ins>"));
    }

    [Test]
    public void Other_values_are_indented_json_with_umlauts_and_markup_encoded()
    {
        var view = DiffView.Of(new FieldChange("/plans/basis", null, "{\"name\":\"Gr\\u00FCn <b>\"}"));
        Assert.That(view.Before, Is.Empty);
        Assert.That(DiffView.Html(view.After, "ins").ToString(), Does.Contain("Grün &lt;b&gt;").And.StartWith("<ins>{"));
    }
}
