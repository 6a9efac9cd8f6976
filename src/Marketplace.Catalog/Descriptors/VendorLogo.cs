using System.Xml;
using System.Xml.Linq;

namespace Marketplace.Catalog.Descriptors;

/// <summary>
/// A vendor's logo as a small SVG document in its descriptor. SVG can carry scripts, event handlers, external
/// references and entity bombs, so only drawing elements and presentation attributes are accepted, no DTD, no link,
/// no style sheet; the platform serves the checked text as an image with a policy that forbids everything active.
/// </summary>
public static class VendorLogo
{
    public const int MaxChars = 32_768;
    public const int MaxElements = 500;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly HashSet<string> Elements =
    [
        "svg", "g", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
        "defs", "linearGradient", "radialGradient", "stop",
    ];

    private static readonly HashSet<string> Attributes =
    [
        "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
        "opacity", "transform", "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline", "letter-spacing",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "id", "role", "aria-label", "preserveAspectRatio",
    ];

    /// <summary>Why the text is not an acceptable logo, or null when it is.</summary>
    public static string? Problem(string svg)
    {
        if (svg.Length > MaxChars) return $"the logo is longer than {MaxChars} characters";
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxChars,
                IgnoreComments = true, IgnoreProcessingInstructions = true,
            });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return $"the logo is not well-formed SVG: {e.Message}";
        }
        var root = doc.Root!;
        if (root.Name != Svg + "svg") return "the logo must be one <svg> element in the SVG namespace";
        if (root.Attribute("viewBox") is null) return "the logo needs a viewBox so that it scales";
        var all = root.DescendantsAndSelf().ToList();
        if (all.Count > MaxElements) return $"the logo has more than {MaxElements} elements";
        foreach (var e in all)
        {
            if (e.Name.Namespace != Svg || !Elements.Contains(e.Name.LocalName)) return $"the element <{e.Name.LocalName}> is not allowed in a logo";
            foreach (var a in e.Attributes())
            {
                if (a.IsNamespaceDeclaration) continue;
                if (a.Name.Namespace != XNamespace.None || !Attributes.Contains(a.Name.LocalName))
                    return $"the attribute {a.Name.LocalName} of <{e.Name.LocalName}> is not allowed in a logo";
                // Paint and lengths only: url(...) would fetch (or reference) something.
                if (a.Value.Contains("url(", StringComparison.OrdinalIgnoreCase) && !a.Value.TrimStart().StartsWith("url(#", StringComparison.Ordinal))
                    return $"the attribute {a.Name.LocalName} of <{e.Name.LocalName}> refers to something outside the logo";
            }
        }
        return null;
    }

    /// <summary>A plain monogram for a vendor without a logo: its short name's first two letters on the brand colour.</summary>
    public static string Monogram(string shortName)
    {
        var letters = new string(shortName.Where(char.IsLetterOrDigit).Take(2).ToArray()).ToUpperInvariant();
        var text = System.Security.SecurityElement.Escape(letters);
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#00305e\"/>" +
               $"<text x=\"32\" y=\"41\" text-anchor=\"middle\" font-family=\"Arial, sans-serif\" font-size=\"26\" font-weight=\"700\" fill=\"#ffffff\">{text}</text></svg>";
    }
}
