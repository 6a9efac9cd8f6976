using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Marketplace.Catalog.Descriptors;

/// <summary>
/// A YAML descriptor read into a JSON tree (so JSON Schema can validate it) together with the line of every
/// node, so that an error can name the line a person has to fix.
/// </summary>
public sealed class YamlDocument
{
    private readonly Dictionary<string, int> _lines;

    private YamlDocument(JsonNode? root, Dictionary<string, int> lines)
    {
        Root = root;
        _lines = lines;
    }

    public JsonNode? Root { get; }

    /// <summary>The line of the node at a JSON Pointer, or of its nearest ancestor that exists.</summary>
    public int LineOf(string pointer)
    {
        var p = pointer;
        while (true)
        {
            if (_lines.TryGetValue(p, out var line)) return line;
            if (p.Length == 0) return 1;
            var cut = p.LastIndexOf('/');
            p = cut <= 0 ? "" : p[..cut];
        }
    }

    /// <summary>The largest descriptor accepted, in characters; the largest in the catalogue is about 11,000.</summary>
    public const int MaxChars = 256 * 1024;

    /// <summary>The deepest nesting of mappings and sequences accepted; descriptors need fewer than ten levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>The most nodes (scalars, mappings, sequences) accepted in one document.</summary>
    public const int MaxNodes = 20_000;

    /// <summary>
    /// Parses YAML text; a syntax error, an alias, a non-scalar key or text beyond the limits throws
    /// <see cref="DescriptorException"/> with its line.
    /// </summary>
    public static YamlDocument Parse(string text)
    {
        if (text.Length > MaxChars)
            throw new DescriptorException("", 1, $"the descriptor is longer than {MaxChars} characters");
        var stream = new YamlStream();
        try
        {
            // The representation model and the conversion below recurse per level and would expand aliases node by node:
            // the limits are checked first, on the parser's flat event stream, so hostile text costs one linear pass.
            CheckLimits(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new DescriptorException("", (int)e.Start.Line, $"YAML syntax: {e.Message}");
        }
        var lines = new Dictionary<string, int>();
        var root = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, "", lines);
        return new YamlDocument(root, lines);
    }

    private static void CheckLimits(string text)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0, nodes = 0;
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            var line = (int)e.Start.Line;
            switch (e)
            {
                case AnchorAlias:
                    throw new DescriptorException("", line, "YAML anchors and aliases are not supported.");
                case NodeEvent { Anchor.IsEmpty: false }:
                    throw new DescriptorException("", line, "YAML anchors and aliases are not supported.");
            }
            switch (e)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth) throw new DescriptorException("", line, $"nested deeper than {MaxDepth} levels");
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
            if (e is NodeEvent && ++nodes > MaxNodes) throw new DescriptorException("", line, $"more than {MaxNodes} values");
        }
    }

    private static JsonNode? Convert(YamlNode node, string pointer, Dictionary<string, int> lines)
    {
        lines[pointer] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode scalarKey)
                        throw new DescriptorException(pointer, (int)key.Start.Line, "a key must be a plain value, not a mapping or a list");
                    var name = scalarKey.Value ?? "";
                    var child = pointer + "/" + name.Replace("~", "~0").Replace("/", "~1");
                    obj[name] = Convert(value, child, lines);
                    lines[child] = (int)key.Start.Line;
                }
                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in seq.Children) array.Add(Convert(item, $"{pointer}/{i++}", lines));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new DescriptorException(pointer, (int)node.Start.Line, "YAML aliases and tags are not supported.");
        }
    }

    /// <summary>YAML 1.2 core schema for plain scalars; quoted scalars are always strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var v = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (System.Text.RegularExpressions.Regex.IsMatch(v, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
            && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}

/// <summary>A problem with one descriptor: the field (JSON Pointer), its line and the reason.</summary>
public sealed class DescriptorException(string field, int line, string reason) : Exception(reason)
{
    public string Field { get; } = field;
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}
