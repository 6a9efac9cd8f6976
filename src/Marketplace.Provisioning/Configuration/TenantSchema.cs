using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Provisioning.Configuration;

/// <summary>
/// An offering's tenantConfigSchema: validation with JsonSchema.Net (formats asserted, e-mail addresses by <see cref="EmailFormat"/>) and the fields marked secret
/// (<c>writeOnly: true</c> or <c>x-secret: true</c>). Compiled schemas are cached by content.
/// </summary>
public sealed class TenantSchema
{
    private static readonly ConcurrentDictionary<string, TenantSchema> Cache = new(StringComparer.Ordinal);

    private readonly JsonSchema _compiled;

    private TenantSchema(JsonObject raw)
    {
        Raw = raw;
        // A registry of its own per schema (one offering's schema must never resolve another's), patterns in linear time.
        _compiled = JsonSchema.Build(JsonSerializer.SerializeToElement(raw), LinearTimePatterns.BuildOptions());
        SecretPaths = CollectSecrets(raw, "").ToList();
    }

    public JsonObject Raw { get; }

    /// <summary>Pointer patterns of secret fields; "*" stands for any array index.</summary>
    public IReadOnlyList<string> SecretPaths { get; }

    public static TenantSchema For(JsonObject schema)
    {
        var text = schema.ToJsonString();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return Cache.GetOrAdd(key, _ => new TenantSchema((JsonObject)JsonNode.Parse(text)!));
    }

    public static bool IsSecretSchema(JsonObject? property) =>
        property is not null && (IsTrue(property["writeOnly"]) || IsTrue(property["x-secret"]));

    public bool IsSecret(string pointer) => SecretPaths.Any(p => Matches(p, pointer));

    /// <summary>
    /// Validates a configuration. Missing required fields are reported at the missing field itself (the library reports
    /// them at the parent); <paramref name="requireComplete"/> false checks only what is there (Land defaults are partial).
    /// </summary>
    public IReadOnlyList<FieldError> Validate(JsonObject values, bool requireComplete = true)
    {
        var errors = new List<FieldError>();
        if (requireComplete) MissingRequired(Raw, values, "", errors);
        var results = _compiled.Evaluate(JsonSerializer.SerializeToElement(values),
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true, FormatRegistry = EmailFormat.Registry });
        if (!results.IsValid)
            foreach (var node in Flatten(results))
                foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
                {
                    if (keyword == "required") continue;
                    var pointer = node.InstanceLocation.ToString();
                    var error = message.Contains("false schema", StringComparison.Ordinal) || keyword == "additionalProperties"
                        ? FieldError.Coded(pointer, "unknown-field", "unbekanntes Feld: das Schema erlaubt es hier nicht")
                        : KeywordError(pointer, keyword, PropertySchema(pointer)) ?? FieldError.Coded(pointer, "schema.rule", message, keyword);
                    if (!errors.Any(e => e.Field == pointer && e.Message == error.Message)) errors.Add(error);
                }
        return errors;
    }

    /// <summary>
    /// The library's messages are English only; the platform codes its own from the field's schema (worded in the
    /// request's language from the resources, the German text as fallback). Other keywords pass through.
    /// </summary>
    private static FieldError? KeywordError(string pointer, string keyword, JsonObject? field)
    {
        string Limit() => field?[keyword]?.ToJsonString() ?? "?";
        FieldError Coded(string code, string german, params object[] args) => FieldError.Coded(pointer, code, german, args);
        return keyword switch
        {
            "minLength" => Coded("min-length", $"mindestens {Limit()} Zeichen", Limit()),
            "maxLength" => Coded("max-length", $"höchstens {Limit()} Zeichen", Limit()),
            "minimum" => Coded("minimum", $"mindestens {Limit()}", Limit()),
            "maximum" => Coded("maximum", $"höchstens {Limit()}", Limit()),
            "exclusiveMinimum" => Coded("exclusive-minimum", $"größer als {Limit()}", Limit()),
            "exclusiveMaximum" => Coded("exclusive-maximum", $"kleiner als {Limit()}", Limit()),
            "minItems" => Coded("min-items", $"mindestens {Limit()} Einträge", Limit()),
            "maxItems" => Coded("max-items", $"höchstens {Limit()} Einträge", Limit()),
            "uniqueItems" => Coded("unique-items", "Einträge doppelt"),
            "enum" or "const" => Coded("not-allowed", "kein erlaubter Wert"),
            "pattern" => Coded("pattern", "entspricht nicht dem verlangten Format"),
            "format" => field?["format"]?.GetValue<string>() switch
            {
                "email" or "idn-email" => Coded("email", "keine gültige E-Mail-Adresse"),
                "uri" or "iri" => Coded("uri", "keine gültige Adresse"),
                "date" => Coded("date", "kein gültiges Datum"),
                var f => Coded("format", $"entspricht nicht dem Format {f}", f ?? ""),
            },
            "type" => Coded("type", "falscher Typ"),
            _ => null,
        };
    }

    /// <summary>The schema of the field at a concrete pointer (array indexes allowed), or null.</summary>
    public JsonObject? PropertySchema(string pointer)
    {
        JsonObject? current = Raw;
        foreach (var segment in Segments(pointer))
        {
            if (current is null) return null;
            if (current["properties"] is JsonObject props && props[segment] is JsonObject p) current = p;
            else if (current["items"] is JsonObject items && int.TryParse(segment, out _)) current = items;
            else return null;
        }
        return current;
    }

    public static IEnumerable<string> Segments(string pointer) =>
        pointer.Length == 0 ? [] : pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~"));

    public static string Append(string pointer, string segment) => pointer + "/" + segment.Replace("~", "~0").Replace("/", "~1");

    private static IEnumerable<EvaluationResults> Flatten(EvaluationResults r)
    {
        yield return r;
        foreach (var d in r.Details ?? []) foreach (var x in Flatten(d)) yield return x;
    }

    private static void MissingRequired(JsonObject schema, JsonNode? value, string pointer, List<FieldError> errors)
    {
        if (value is JsonObject obj)
        {
            if (schema["required"] is JsonArray required)
                foreach (var name in required.Select(n => n?.GetValue<string>()).OfType<string>())
                    if (obj[name] is null)
                    {
                        var title = (schema["properties"]?[name] as JsonObject)?["title"]?.GetValue<string>() ?? name;
                        errors.Add(FieldError.Coded(Append(pointer, name), "required-field", $"Pflichtangabe fehlt: {title}", title));
                    }
            if (schema["properties"] is JsonObject props)
                foreach (var (name, sub) in props)
                    if (sub is JsonObject s && obj[name] is { } child) MissingRequired(s, child, Append(pointer, name), errors);
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++) MissingRequired(items, array[i], Append(pointer, i.ToString()), errors);
        }
    }

    private static IEnumerable<string> CollectSecrets(JsonObject schema, string pointer)
    {
        if (schema["properties"] is JsonObject props)
            foreach (var (name, sub) in props)
            {
                if (sub is not JsonObject s) continue;
                var path = Append(pointer, name);
                if (IsSecretSchema(s)) yield return path;
                else foreach (var p in CollectSecrets(s, path)) yield return p;
            }
        if (schema["items"] is JsonObject items)
            foreach (var p in CollectSecrets(items, pointer + "/*")) yield return p;
    }

    internal static bool Matches(string pattern, string pointer)
    {
        var a = pattern.Split('/');
        var b = pointer.Split('/');
        return a.Length == b.Length && a.Zip(b).All(x => x.First == "*" ? int.TryParse(x.Second, out _) : x.First == x.Second);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
