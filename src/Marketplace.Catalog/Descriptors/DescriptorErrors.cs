using Microsoft.Extensions.Localization;

namespace Marketplace.Catalog.Descriptors;

/// <summary>
/// A problem of an offering descriptor worded from the resources: a JSON Schema violation by its keyword
/// ("Schema.maxLength") with the schema's values, a check beyond the schema by its code ("Problem.descriptor.unknown-area"),
/// and naming the field by its label ("Tarif 1 › Nutzungspreis 1 › Staffeln") rather than its JSON Pointer. Pages and the
/// API word them alike.
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

    /// <summary>The message for the keyword or code in the page's language; the check's own (English) reason when it has neither.</summary>
    public static string Message(IStringLocalizer texts, CatalogError error)
    {
        if (error.Keyword is not { } keyword)
            return Marketplace.Kernel.CodedProblems.Word(texts, error.Code, error.Args, error.Reason);
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
