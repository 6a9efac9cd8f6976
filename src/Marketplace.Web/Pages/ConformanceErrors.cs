using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Pages;

/// <summary>A conformance refusal on a portal page: each problem at its form field (the error summary links to "field-&lt;name&gt;").</summary>
public static class ConformanceErrors
{
    /// <param name="inputOf">The page's input for a module field (e.g. "/name" → "Fields.Name"); unknown fields go to <paramref name="fallback"/>.</param>
    public static void Add(ModelStateDictionary state, ConformanceException e, string fallback, Func<string, string?>? inputOf = null)
    {
        if (e.Kind != ConformanceErrorKind.Invalid)
        {
            state.AddModelError(fallback, e.Message);
            return;
        }
        foreach (var (field, messages) in ConformanceApi.ErrorsByField(e.Errors))
            foreach (var message in messages)
                state.AddModelError(inputOf?.Invoke(field) ?? fallback, field == "descriptor" ? message : $"{field}: {message}");
    }
}
