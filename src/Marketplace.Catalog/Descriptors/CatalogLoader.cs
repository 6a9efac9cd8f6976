using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Marketplace.Catalog.Descriptors;

/// <summary>
/// One problem found in catalog/: which file, which field (JSON Pointer), which line, and why. A JSON Schema violation
/// also names its <see cref="Keyword"/> and the keyword's values from the schema (<see cref="Args"/>: the limit, the
/// allowed values, the expected type), so a page can word it in its own language; <see cref="Reason"/> stays the
/// library's English for the command line. A check beyond the schema names its stable <see cref="Code"/> instead (a
/// schema violation's code is "schema.&lt;keyword&gt;"), worded from the resource "Problem.&lt;code&gt;" with <see cref="Args"/>.
/// </summary>
public sealed record CatalogError(string Path, string Field, int Line, string Reason)
{
    private readonly string? _code;

    public string? Keyword { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];

    public string? Code
    {
        get => _code ?? (Keyword is null ? null : "schema." + Keyword);
        init => _code = value;
    }

    public override string ToString() => $"{Path}:{Line}: {(Field.Length == 0 ? "(file)" : Field)}: {Reason}";
}

/// <summary>A descriptor with the hash of its content, so an import can tell unchanged from edited.</summary>
public sealed record Loaded<T>(T Value, string Path, string ContentHash);

/// <summary>Everything in catalog/, validated and cross-checked.</summary>
public sealed record CatalogSnapshot(
    IReadOnlyList<Loaded<LandDescriptor>> Laender,
    IReadOnlyList<Loaded<ThemenfeldDescriptor>> Themenfelder,
    IReadOnlyList<Loaded<LebenslageDescriptor>> Lebenslagen,
    IReadOnlyList<Loaded<LeistungDescriptor>> Leistungen,
    IReadOnlyList<Loaded<StandardDescriptor>> Standards,
    IReadOnlyList<Loaded<VendorDescriptor>> Vendors,
    IReadOnlyList<Loaded<OfferingDescriptor>> Offerings,
    IReadOnlyList<Loaded<BundleDescriptor>> Bundles,
    IReadOnlyList<Loaded<SchnittstelleDescriptor>> Schnittstellen,
    IReadOnlyList<Loaded<FachverfahrenAreaDescriptor>> Fachverfahren);

/// <summary>The result of reading catalog/: a snapshot when every file is valid, otherwise every error found.</summary>
public sealed record CatalogLoadResult(CatalogSnapshot? Snapshot, IReadOnlyList<CatalogError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Snapshot is not null;
}

/// <summary>
/// Reads the YAML descriptors of catalog/, validates each against the JSON Schema of its kind, binds it,
/// and checks the references between them. It reports all errors at once, never a partial snapshot.
/// </summary>
public sealed class CatalogLoader
{
    /// <summary>The kinds in the order they depend on each other: folder, schema name, id field.</summary>
    public static readonly IReadOnlyList<(string Folder, string Schema, string IdField)> Kinds =
    [
        ("laender", "land", "code"),
        ("themenfelder", "themenfeld", "id"),
        ("lebenslagen", "lebenslage", "id"),
        ("leistungen", "leistung", "ozgId"),
        ("standards", "standard", "id"),
        ("vendors", "vendor", "id"),
        ("offerings", "offering", "id"),
        ("bundles", "bundle", "id"),
        ("schnittstellen", "schnittstelle", "id"),
        ("fachverfahren", "fachverfahren", "id"),
    ];

    private readonly string _root;
    private SchemaSet _schemaSet = SchemaSet.Empty;
    // The schemas as JSON by their $id, parsed when a failing keyword's value (a limit, the allowed values) is wanted for a message.
    private readonly Dictionary<string, JsonNode?> _schemaDocuments = new(StringComparer.Ordinal);
    private readonly List<CatalogError> _errors = [];

    /// <summary>
    /// The built schemas of a catalogue folder, kept while their files are unchanged. Building one compiles the regular
    /// expressions of its patterns, which cost an upload's validation several times the validation itself (and left
    /// dynamic methods for the finalizer). A built schema is only read by an evaluation, so one serves every request.
    /// </summary>
    private static readonly ConcurrentDictionary<string, SchemaSet> SchemaSets = new(StringComparer.Ordinal);

    /// <summary>Schemas built from the files whose sizes and times make up <see cref="Stamp"/>, their texts by $id, or the errors reading them.</summary>
    private sealed record SchemaSet(string Stamp, IReadOnlyDictionary<string, JsonSchema> Schemas, IReadOnlyDictionary<string, string> Texts,
        IReadOnlyList<CatalogError> Errors)
    {
        public static readonly SchemaSet Empty = new("", new Dictionary<string, JsonSchema>(), new Dictionary<string, string>(), []);
    }

    private CatalogLoader(string root) => _root = root;

    public static CatalogLoadResult Load(string catalogFolder) => new CatalogLoader(Path.GetFullPath(catalogFolder)).Run();

    /// <summary>Validates one descriptor given as text (e.g. an upload) against its kind's schema.</summary>
    public static (T? Value, IReadOnlyList<CatalogError> Errors) ParseOne<T>(string catalogFolder, string schemaName, string displayPath, string text)
        where T : class
    {
        var loader = new CatalogLoader(Path.GetFullPath(catalogFolder));
        loader.LoadSchemas(schemaName);
        if (loader._errors.Count > 0) return (null, loader._errors);
        var parsed = loader.ParseFile<T>(schemaName, displayPath, text, expectedId: null, idField: null);
        return (parsed?.Value, loader._errors);
    }

    private CatalogLoadResult Run()
    {
        if (!Directory.Exists(_root))
            return new CatalogLoadResult(null, [new CatalogError(_root, "", 0, "catalogue folder not found")]);
        LoadSchemas();
        if (_errors.Count > 0) return new CatalogLoadResult(null, _errors);

        var snapshot = new CatalogSnapshot(
            LoadKind<LandDescriptor>(0), LoadKind<ThemenfeldDescriptor>(1), LoadKind<LebenslageDescriptor>(2),
            LoadKind<LeistungDescriptor>(3), LoadKind<StandardDescriptor>(4), LoadKind<VendorDescriptor>(5),
            LoadKind<OfferingDescriptor>(6), LoadKind<BundleDescriptor>(7), LoadKind<SchnittstelleDescriptor>(8),
            LoadKind<FachverfahrenAreaDescriptor>(9));
        if (_errors.Count == 0) new CatalogReferenceCheck(snapshot, _errors, _root).Run();
        return _errors.Count == 0 ? new CatalogLoadResult(snapshot, []) : new CatalogLoadResult(null, _errors);
    }

    /// <summary>Loads the schemas of the catalogue's kinds and, for descriptors other modules keep in catalog/, the one named.</summary>
    private void LoadSchemas(string? extra = null)
    {
        var names = Kinds.Select(k => k.Schema).ToList();
        if (extra is not null && !names.Contains(extra)) names.Add(extra);
        var paths = names.Select(n => Path.Combine(_root, "schemas", n + ".schema.json")).ToList();
        var stamp = string.Join('|', paths.Select(p => new FileInfo(p) is { Exists: true } f ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "-"));
        var key = string.Join('|', paths);
        if (!SchemaSets.TryGetValue(key, out var set) || set.Stamp != stamp)
            SchemaSets[key] = set = BuildSchemas(names, paths, stamp);
        _schemaSet = set;
        _errors.AddRange(set.Errors);
    }

    private SchemaSet BuildSchemas(List<string> names, List<string> paths, string stamp)
    {
        var registry = new SchemaRegistry();
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<CatalogError>();
        for (var i = 0; i < names.Count; i++)
        {
            try
            {
                var text = File.ReadAllText(paths[i]);
                schemas[names[i]] = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = registry });
                if (JsonNode.Parse(text) is JsonObject raw && raw["$id"]?.GetValue<string>() is { } id) texts[id] = text;
            }
            catch (Exception e) when (e is IOException or JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
            {
                errors.Add(new CatalogError(Relative(paths[i]), "", 0, $"schema cannot be read: {e.Message}"));
            }
        }
        return new SchemaSet(stamp, schemas, texts, errors);
    }

    private List<Loaded<T>> LoadKind<T>(int kindIndex) where T : class
    {
        var (folder, schema, idField) = Kinds[kindIndex];
        var result = new List<Loaded<T>>();
        var dir = Path.Combine(_root, folder);
        if (!Directory.Exists(dir)) return result;
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                _errors.Add(new CatalogError(Relative(file), "", 0, "only .yaml files belong in this folder"));
                continue;
            }
            var loaded = ParseFile<T>(schema, Relative(file), File.ReadAllText(file), name[..^".yaml".Length], idField);
            if (loaded is not null) result.Add(loaded);
        }
        return result;
    }

    private Loaded<T>? ParseFile<T>(string schemaName, string path, string text, string? expectedId, string? idField) where T : class
    {
        YamlDocument doc;
        try
        {
            doc = YamlDocument.Parse(text);
        }
        catch (DescriptorException e)
        {
            _errors.Add(new CatalogError(path, e.Field, e.Line, e.Reason));
            return null;
        }
        if (doc.Root is not JsonObject root)
        {
            _errors.Add(new CatalogError(path, "", 1, "the file must hold one mapping (key: value pairs)"));
            return null;
        }

        var element = JsonSerializer.SerializeToElement(root);
        var results = _schemaSet.Schemas[schemaName].Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (!results.IsValid)
        {
            var before = _errors.Count;
            ReportFailures(results, path, doc);
            if (_errors.Count == before) _errors.Add(new CatalogError(path, "", 1, "does not match its schema"));
            return null;
        }

        if (expectedId is not null && idField is not null && root[idField]?.GetValue<string>() != expectedId)
        {
            _errors.Add(new CatalogError(path, "/" + idField, doc.LineOf("/" + idField), $"must equal the file name '{expectedId}'"));
            return null;
        }

        try
        {
            var value = root.Deserialize<T>(DescriptorJson.Options)!;
            return new Loaded<T>(value, path, Hash(root));
        }
        catch (JsonException e)
        {
            var pointer = JsonPathToPointer(e.Path);
            _errors.Add(new CatalogError(path, pointer, doc.LineOf(pointer), e.Message));
            return null;
        }
    }

    /// <summary>
    /// Reports the errors of failing nodes only: a oneOf/anyOf that passed also carries its failed branches,
    /// which are no fault of the file; nor are the items a failing "contains" tried.
    /// </summary>
    private void ReportFailures(EvaluationResults node, string path, YamlDocument doc)
    {
        if (node.IsValid) return;
        var pointer = node.InstanceLocation.ToString();
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // additionalProperties: false reports the extra field as failing the "false" schema.
            if (message.Contains("false schema", StringComparison.Ordinal))
            {
                _errors.Add(new CatalogError(path, pointer, doc.LineOf(pointer), "unknown field: the schema does not allow it here") { Keyword = "additionalProperties" });
                continue;
            }
            var reason = keyword.Length > 0 ? $"{message} ({keyword})" : message;
            var value = KeywordValue(node.SchemaLocation, keyword);
            if (keyword == "required" && value is JsonArray required && Navigate(doc.Root, pointer) is JsonObject present)
            {
                // Each missing field at itself, so a form can mark the field rather than its parent.
                foreach (var name in required.Select(n => n?.GetValue<string>()).OfType<string>().Where(n => !present.ContainsKey(n)))
                    _errors.Add(new CatalogError(path, pointer + "/" + name.Replace("~", "~0").Replace("/", "~1"), doc.LineOf(pointer), reason) { Keyword = keyword });
                continue;
            }
            _errors.Add(new CatalogError(path, pointer, doc.LineOf(pointer), reason) { Keyword = keyword.Length > 0 ? keyword : null, Args = ArgsOf(value) });
        }
        // The items a "contains" tried and did not match are no fault of theirs: the list lacks a matching item.
        var tried = node.EvaluationPath.ToString() + "/contains";
        foreach (var child in node.Details ?? [])
            if (!child.EvaluationPath.ToString().StartsWith(tried, StringComparison.Ordinal)) ReportFailures(child, path, doc);
    }

    /// <summary>The keyword's value in the schema that failed ("200" for maxLength, the allowed values of an enum).</summary>
    private JsonNode? KeywordValue(Uri? schemaLocation, string keyword)
    {
        if (schemaLocation is null || keyword.Length == 0) return null;
        var text = schemaLocation.OriginalString;
        var hash = text.IndexOf('#');
        var (document, fragment) = hash < 0 ? (text, "") : (text[..hash], Uri.UnescapeDataString(text[(hash + 1)..]));
        if (!_schemaDocuments.TryGetValue(document, out var root))
            _schemaDocuments[document] = root = _schemaSet.Texts.TryGetValue(document, out var schemaText) ? JsonNode.Parse(schemaText) : null;
        return Navigate(root, fragment) is JsonObject schema ? schema[keyword] : null;
    }

    private static JsonNode? Navigate(JsonNode? node, string pointer)
    {
        if (pointer.Length == 0) return node;
        foreach (var segment in pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")))
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        return node;
    }

    private static IReadOnlyList<string> ArgsOf(JsonNode? value) => value switch
    {
        null or JsonObject => [],
        JsonArray a => a.Select(v => v is JsonValue s && s.TryGetValue<string>(out var t) ? t : v?.ToJsonString() ?? "null").ToList(),
        JsonValue v when v.TryGetValue<string>(out var t) => [t],
        _ => [value.ToJsonString()],
    };

    /// <summary>SHA-256 over the canonical JSON of the descriptor (YAML comments and layout do not count).</summary>
    private static string Hash(JsonNode node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())));

    private static string JsonPathToPointer(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) ? "" :
        jsonPath.TrimStart('$').Replace("[", ".").Replace("]", "").Replace("'", "").Replace('.', '/');

    private string Relative(string path) => Path.Combine("catalog", Path.GetRelativePath(_root, path)).Replace('\\', '/');
}
