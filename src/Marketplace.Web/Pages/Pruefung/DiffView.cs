using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Conformance.Review;

namespace Marketplace.Web.Pages.Pruefung;

/// <summary>
/// A changed field as a reviewer reads it: text as text (no JSON quotes or \u escapes), other values as indented JSON
/// with umlauts as they are, and the changed words of a text marked on each side.
/// </summary>
public sealed record DiffView(IReadOnlyList<TextSegment> Before, IReadOnlyList<TextSegment> After, bool IsText)
{
    // Umlauts as they are, like every page (the host's encoder allows all of Unicode); markup characters encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DiffView Of(FieldChange change)
    {
        var before = Parse(change.Before);
        var after = Parse(change.After);
        if (before is string b && after is string a)
        {
            var segments = WordDiff.Between(b, a);
            return new(segments.Where(s => s.Kind != TextSegmentKind.Added).ToList(), segments.Where(s => s.Kind != TextSegmentKind.Removed).ToList(), true);
        }
        return new(Whole(before, TextSegmentKind.Removed), Whole(after, TextSegmentKind.Added), before is string || after is string);
    }

    /// <summary>One side as HTML: shared text encoded as it is, changed text in a del or ins element; no whitespace added (pre-wrap shows it).</summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Html(IReadOnlyList<TextSegment> side, string mark)
    {
        var html = new System.Text.StringBuilder();
        foreach (var s in side)
        {
            var text = Encoder.Encode(s.Text);
            html.Append(s.Kind == TextSegmentKind.Same ? text : $"<{mark}>{text}</{mark}>");
        }
        return new Microsoft.AspNetCore.Html.HtmlString(html.ToString());
    }

    private static IReadOnlyList<TextSegment> Whole(object? value, TextSegmentKind kind) =>
        value is null ? [] : [new TextSegment(kind, value as string ?? ((JsonNode)value).ToJsonString(Readable))];

    /// <summary>A string value as its text; any other value as its node; absent as null.</summary>
    private static object? Parse(string? json)
    {
        if (json is null) return null;
        var node = JsonNode.Parse(json);
        // (object): JsonNode converts implicitly from string, which would turn the text back into a node here.
        return node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : (object?)node;
    }
}
