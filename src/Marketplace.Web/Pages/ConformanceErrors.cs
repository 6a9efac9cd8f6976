using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages;

/// <summary>A conformance refusal on a portal page: each problem at its form field (the error summary links to "field-&lt;name&gt;").</summary>
public static class ConformanceErrors
{
    /// <param name="texts">Words the refusal and each error in the page's language, naming the field by its label.</param>
    /// <param name="inputOf">The page's input for a module field (e.g. "/name" → "Fields.Name"); unknown fields go to <paramref name="fallback"/>.</param>
    /// <param name="withLines">Whether the text was a file the vendor wrote (its line helps); the editor's generated document has none worth naming.</param>
    public static void Add(ModelStateDictionary state, ConformanceException e, string fallback, IStringLocalizer texts, Func<string, string?>? inputOf = null,
        bool withLines = true)
    {
        if (e.Kind != ConformanceErrorKind.Invalid)
        {
            state.AddModelError(fallback, ConformanceApi.Word(texts, e));
            return;
        }
        // One rule can fail under two keywords (contains and minContains) with the same wording: say it once.
        foreach (var (key, message) in e.Errors.Where(x => x.Code is not null)
                     .Select(x => (inputOf?.Invoke(x.Field) ?? fallback, DescriptorErrors.Word(texts, x, withLines))).Distinct())
            state.AddModelError(key, message);
        // The loader's own checks that have no code yet keep their (English) reason.
        foreach (var (field, messages) in ConformanceException.ErrorsByField(e.Errors.Where(x => x.Code is null)))
            foreach (var message in messages)
                state.AddModelError(inputOf?.Invoke(field) ?? fallback, field == "descriptor" ? message : $"{field}: {message}");
    }
}
