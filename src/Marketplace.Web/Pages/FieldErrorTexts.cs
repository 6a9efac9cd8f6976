using Marketplace.Provisioning;
using Marketplace.Storage;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages;

/// <summary>A service's field error on a page, in the page's language: by its stable code from the resources ("Problem.&lt;code&gt;"), as the API words it.</summary>
public static class FieldErrorTexts
{
    /// <summary>The coded text; an error without a code (or with a code the resources do not word) is the engine's message, translated where it is known.</summary>
    public static string Word(this IStringLocalizer texts, FieldError error) =>
        CodedProblems.Word(texts, error.Code, error.Args, texts.Localize(error.Message));
}
