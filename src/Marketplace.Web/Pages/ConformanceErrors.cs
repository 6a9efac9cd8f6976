using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages;

/// <summary>A conformance refusal on a portal page: each problem at its form field (the error summary links to "field-&lt;name&gt;").</summary>
public static class ConformanceErrors
{
    /// <param name="inputOf">The page's input for a module field (e.g. "/name" → "Fields.Name"); unknown fields go to <paramref name="fallback"/>.</param>
    /// <param name="texts">Words JSON Schema violations in the page's language, naming the field by its label.</param>
    /// <param name="withLines">Whether the text was a file the vendor wrote (its line helps); the editor's generated document has none worth naming.</param>
    public static void Add(ModelStateDictionary state, ConformanceException e, string fallback, Func<string, string?>? inputOf = null,
        IStringLocalizer? texts = null, bool withLines = true)
    {
        if (e.Kind != ConformanceErrorKind.Invalid)
        {
            state.AddModelError(fallback, e.Message);
            return;
        }
        // One rule can fail under two keywords (contains and minContains) with the same wording: say it once.
        foreach (var (key, message) in e.Errors.Where(x => x.Keyword is not null && texts is not null)
                     .Select(x => (inputOf?.Invoke(x.Field) ?? fallback, DescriptorErrors.Word(texts!, x, withLines))).Distinct())
            state.AddModelError(key, message);
        foreach (var (field, messages) in ConformanceApi.ErrorsByField(e.Errors.Where(x => x.Keyword is null || texts is null)))
            foreach (var message in messages)
                state.AddModelError(inputOf?.Invoke(field) ?? fallback, field == "descriptor" ? message : $"{field}: {message}");
    }
}

/// <summary>
/// A JSON Schema violation in an offering descriptor, worded from the resources by its keyword ("Schema.maxLength")
/// with the schema's values, and naming the field by its label ("Tarif 1 › Nutzungspreis 1 › Staffeln") rather than
/// its JSON Pointer.
/// </summary>
public static class DescriptorErrors
{
    // The fields the core-field editor shows are named as the editor labels them.
    private static readonly Dictionary<string, string> EditorLabels = new(StringComparer.Ordinal)
    {
        ["/name"] = "Vendor.Field.Name", ["/nameEn"] = "Vendor.Field.NameEn", ["/summary"] = "Vendor.Field.Summary",
        ["/description"] = "Vendor.Field.Description", ["/reifegrad"] = "Vendor.Field.Reifegrad",
        ["/hosting/location"] = "Vendor.Field.HostingLocation", ["/hosting/provider"] = "Vendor.Field.HostingProvider",
        ["/accessibilityStatementUrl"] = "Vendor.Field.AccessibilityStatementUrl",
    };

    public static string Word(IStringLocalizer texts, CatalogError error, bool withLines)
    {
        var label = Label(texts, error.Field);
        var message = Message(texts, error);
        return withLines && error.Line > 0
            ? texts["Descriptor.ErrorAtLine", error.Line, label, message]
            : texts["Descriptor.Error", label, message];
    }

    /// <summary>The message for the keyword in the page's language.</summary>
    public static string Message(IStringLocalizer texts, CatalogError error)
    {
        var keyword = error.Keyword!;
        var first = error.Args.FirstOrDefault() ?? "";
        // The one open-ended tier of a metered price is a rule people know by its meaning, not as "contains".
        if (keyword is "contains" or "minContains" or "maxContains" && error.Field.EndsWith("/tiers", StringComparison.Ordinal))
            return texts["Schema.OpenTier"];
        return keyword switch
        {
            "type" => texts["Schema.type", string.Join(texts["Schema.Or"], error.Args.Select(t => Found(texts["Schema.TypeName." + t], t)))],
            "enum" => texts["Schema.enum", string.Join(", ", error.Args)],
            "required" or "const" or "pattern" or "uniqueItems" or "contains" or "additionalProperties" or "oneOf" or "anyOf" => texts["Schema." + keyword],
            "minLength" or "maxLength" or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "minItems" or "maxItems"
                or "minContains" or "maxContains" or "format" => texts["Schema." + keyword, first],
            _ => texts["Schema.Other", keyword],
        };
    }

    /// <summary>The field's label: the editor's own, else the labels of its path ("/plans/0/metered/1/tiers" → "Tarif 1 › Nutzungspreis 2 › Staffeln").</summary>
    public static string Label(IStringLocalizer texts, string pointer)
    {
        if (EditorLabels.TryGetValue(pointer, out var key)) return texts[key];
        if (pointer.Length == 0) return texts["Descriptor.Document"];
        var parts = new List<string>();
        string? previous = null;
        foreach (var segment in pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")))
        {
            if (previous is not null && int.TryParse(segment, out var index))
            {
                var item = texts["Descriptor.Item." + previous, index + 1];
                parts[^1] = item.ResourceNotFound ? texts["Descriptor.ItemOf", parts[^1], index + 1] : item.Value;
            }
            else parts.Add(Found(texts["Descriptor.Field." + segment], segment));
            previous = segment;
        }
        return string.Join(" › ", parts);
    }

    private static string Found(LocalizedString text, string fallback) => text.ResourceNotFound ? fallback : text.Value;
}
