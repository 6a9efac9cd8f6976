using System.Globalization;
using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Configuration;

/// <summary>The kind of input a schema field becomes.</summary>
public enum FieldKind
{
    Text,
    MultilineText,
    Email,
    Url,
    Uuid,
    Date,
    Enum,
    Integer,
    Number,
    Boolean,
    Secret,
    Object,
    Array,
}

/// <summary>Limits a field declares, for the input's attributes and hints.</summary>
public sealed record FieldConstraints(int? MinLength, int? MaxLength, string? Pattern, decimal? Minimum, decimal? Maximum, int? MinItems, int? MaxItems);

/// <summary>
/// One field of a configuration form generated from a tenantConfigSchema. <see cref="Name"/> is the HTML form
/// name ("fitConnect.zustellpunktId", "bueroaemter[0].name"); <see cref="Pointer"/> the JSON Pointer errors and
/// provenance use. Secrets carry no value, only <see cref="SecretIsSet"/>.
/// </summary>
public sealed record FormField(
    string Name, string Pointer, string Label, string? Hint, FieldKind Kind, bool Required, IReadOnlyList<string> Options,
    string? Value, string? Default, FieldConstraints Constraints, IReadOnlyList<FormField> Children, FormField? ItemTemplate,
    ConfigSource? Source, IReadOnlyList<FieldError> Errors, bool SecretIsSet)
{
    /// <summary>What people read for each of <see cref="Options"/>: the schema's <c>x-enumNames</c> or <c>oneOf</c> titles, else the value itself.</summary>
    public IReadOnlyList<string> OptionLabels { get; init; } = [];

    /// <summary>The label of an allowed value ("ewo-a" → "Einwohnerverfahren A"); a value without one is shown as it is.</summary>
    public string LabelOf(string value)
    {
        var i = Options.ToList().IndexOf(value);
        return i >= 0 && i < OptionLabels.Count ? OptionLabels[i] : value;
    }
}

/// <summary>A whole form: its fields in schema order, and errors that belong to no single field.</summary>
public sealed record ConfigFormModel(string Title, string? Description, IReadOnlyList<FormField> Fields, IReadOnlyList<FieldError> FormErrors);

/// <summary>
/// Builds the server-side form model from a schema (strings, enums, numbers, booleans, nested objects, arrays)
/// with values, provenance and errors placed at their fields; and reads posted form values back into typed JSON.
/// </summary>
public static class ConfigForm
{
    public static ConfigFormModel Build(TenantSchema schema, JsonObject? values = null, IReadOnlyDictionary<string, ConfigSource>? provenance = null,
        IReadOnlyList<FieldError>? errors = null, string namePrefix = "")
    {
        var redacted = values is null ? new JsonObject() : ConfigSecrets.Redact(values, out _);
        var secretsSet = values is null ? [] : SecretsSet(values);
        var errs = errors ?? [];
        var fields = ObjectFields(schema, schema.Raw, redacted, "", namePrefix, provenance, errs, secretsSet);
        var placed = AllPointers(fields).ToHashSet(StringComparer.Ordinal);
        var formErrors = errs.Where(e => !placed.Contains(e.Field)).ToList();
        return new ConfigFormModel(Str(schema.Raw, "title") ?? "", Str(schema.Raw, "description"), fields, formErrors);
    }

    /// <summary>
    /// Reads posted values (name → text) into JSON typed by the schema. Empty inputs are left out; text that is not
    /// of the field's type (a number field with "abc") is reported at the field.
    /// </summary>
    public static JsonObject Read(TenantSchema schema, IReadOnlyDictionary<string, string?> form, out IReadOnlyList<FieldError> errors, string namePrefix = "")
    {
        var errs = new List<FieldError>();
        var result = ReadObject(schema.Raw, form, namePrefix, "", errs) ?? new JsonObject();
        errors = errs;
        return result;
    }

    private static List<FormField> ObjectFields(TenantSchema schema, JsonObject objectSchema, JsonNode? values, string pointer, string name,
        IReadOnlyDictionary<string, ConfigSource>? provenance, IReadOnlyList<FieldError> errors, HashSet<string> secretsSet)
    {
        var fields = new List<FormField>();
        if (objectSchema["properties"] is not JsonObject props) return fields;
        var required = (objectSchema["required"] as JsonArray)?.Select(n => n?.GetValue<string>()).ToHashSet() ?? [];
        foreach (var (key, sub) in props)
            if (sub is JsonObject s)
                fields.Add(Field(schema, s, values is JsonObject o ? o[key] : null, TenantSchema.Append(pointer, key), Join(name, key),
                    required.Contains(key), provenance, errors, secretsSet));
        return fields;
    }

    private static FormField Field(TenantSchema schema, JsonObject s, JsonNode? value, string pointer, string name, bool required,
        IReadOnlyDictionary<string, ConfigSource>? provenance, IReadOnlyList<FieldError> errors, HashSet<string> secretsSet)
    {
        var kind = KindOf(s);
        var children = kind == FieldKind.Object ? ObjectFields(schema, s, value, pointer, name, provenance, errors, secretsSet) : [];
        FormField? template = null;
        var items = new List<FormField>();
        if (kind == FieldKind.Array && s["items"] is JsonObject itemSchema)
        {
            template = Field(schema, itemSchema, null, pointer + "/-", name + "[]", true, null, [], []);
            if (value is JsonArray array)
                for (var i = 0; i < array.Count; i++)
                    items.Add(Field(schema, itemSchema, array[i], TenantSchema.Append(pointer, i.ToString()), $"{name}[{i}]", true, provenance, errors, secretsSet));
        }
        var constraints = new FieldConstraints(Int(s, "minLength"), Int(s, "maxLength"), Str(s, "pattern"), Dec(s, "minimum"), Dec(s, "maximum"),
            Int(s, "minItems"), Int(s, "maxItems"));
        var (options, labels) = Choices(s);
        return new FormField(name, pointer, Str(s, "title") ?? name, Str(s, "description"), kind, required, options,
            kind is FieldKind.Object or FieldKind.Array or FieldKind.Secret ? null : Text(value),
            Text(s["default"]), constraints, kind == FieldKind.Array ? items : children, template,
            provenance?.GetValueOrDefault(pointer), errors.Where(e => e.Field == pointer).ToList(),
            kind == FieldKind.Secret && secretsSet.Contains(pointer)) { OptionLabels = labels };
    }

    /// <summary>
    /// The allowed values and their labels: <c>enum</c> with <c>x-enumNames</c> (one name per value), or <c>oneOf</c>
    /// of <c>const</c> values with a <c>title</c> each, the two ways JSON Schema forms name choices.
    /// </summary>
    private static (List<string> Values, List<string> Labels) Choices(JsonObject s)
    {
        if (s["enum"] is JsonArray values)
        {
            var options = values.Select(Text).OfType<string>().ToList();
            var names = (s["x-enumNames"] as JsonArray)?.Select(Text).ToList();
            return (options, names?.Count == options.Count && names.All(n => n is not null) ? names! : options);
        }
        if (s["oneOf"] is JsonArray branches && branches.Count > 0 && branches.All(b => b is JsonObject o && o.ContainsKey("const")))
        {
            var options = branches.Select(b => Text(b!["const"])).OfType<string>().ToList();
            return (options, branches.Select(b => Str((JsonObject)b!, "title") ?? Text(b!["const"]) ?? "").ToList());
        }
        return ([], []);
    }

    private static FieldKind KindOf(JsonObject s)
    {
        if (TenantSchema.IsSecretSchema(s)) return FieldKind.Secret;
        if (s["enum"] is JsonArray || (s["oneOf"] is JsonArray { Count: > 0 } branches && branches.All(b => b is JsonObject o && o.ContainsKey("const"))))
            return FieldKind.Enum;
        return Str(s, "type") switch
        {
            "object" => FieldKind.Object,
            "array" => FieldKind.Array,
            "boolean" => FieldKind.Boolean,
            "integer" => FieldKind.Integer,
            "number" => FieldKind.Number,
            _ => Str(s, "format") switch
            {
                "email" => FieldKind.Email,
                "uri" or "url" => FieldKind.Url,
                "uuid" => FieldKind.Uuid,
                "date" => FieldKind.Date,
                _ => Int(s, "maxLength") is > 200 ? FieldKind.MultilineText : FieldKind.Text,
            },
        };
    }

    private static JsonObject? ReadObject(JsonObject s, IReadOnlyDictionary<string, string?> form, string name, string pointer, List<FieldError> errors)
    {
        if (s["properties"] is not JsonObject props) return null;
        var result = new JsonObject();
        var required = s["required"] is JsonArray r ? r.Select(x => x?.ToString()).ToHashSet() : [];
        foreach (var (key, sub) in props)
            if (sub is JsonObject ps && ReadValue(ps, form, Join(name, key), TenantSchema.Append(pointer, key), errors) is { } v
                && !(v is JsonObject section && !required.Contains(key) && OnlyDefaults(ps, section)))
                result[key] = v;
        return result.Count == 0 ? null : result;
    }

    // An optional section whose selects still show their preset defaults was left untouched: it is not part of the order
    // (else an untouched "Bezahlung" section with its preselected service would demand its required fields).
    private static bool OnlyDefaults(JsonObject s, JsonObject section) =>
        s["properties"] is JsonObject props && section.All(kv => props[kv.Key] is JsonObject p && p["default"] is { } d && JsonNode.DeepEquals(d, kv.Value));

    private static JsonNode? ReadValue(JsonObject s, IReadOnlyDictionary<string, string?> form, string name, string pointer, List<FieldError> errors)
    {
        switch (Str(s, "type"))
        {
            case "object":
                return ReadObject(s, form, name, pointer, errors);
            case "array":
                if (s["items"] is not JsonObject items) return null;
                var indexes = form.Keys.Where(k => k.StartsWith(name + "[", StringComparison.Ordinal))
                    .Select(k => k[(name.Length + 1)..]).Select(k => k[..k.IndexOf(']')])
                    .Select(i => int.TryParse(i, out var n) ? n : -1).Where(n => n >= 0).Distinct().Order().ToList();
                var array = new JsonArray();
                foreach (var i in indexes)
                    if (ReadValue(items, form, $"{name}[{i}]", TenantSchema.Append(pointer, array.Count.ToString()), errors) is { } item) array.Add(item);
                return array.Count == 0 ? null : array;
        }
        if (!form.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return Str(s, "type") == "boolean" && form.ContainsKey(name + ".present") ? JsonValue.Create(false) : null;
        text = text.Trim();
        switch (Str(s, "type"))
        {
            case "boolean":
                return JsonValue.Create(text is "true" or "on" or "1");
            case "integer":
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                errors.Add(FieldError.Coded(pointer, "not-integer", "keine ganze Zahl"));
                return null;
            case "number":
                if (decimal.TryParse(text.Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
                errors.Add(FieldError.Coded(pointer, "not-number", "keine Zahl"));
                return null;
            default:
                return JsonValue.Create(text);
        }
    }

    private static HashSet<string> SecretsSet(JsonObject values)
    {
        ConfigSecrets.Redact(values, out var set);
        return set.ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> AllPointers(IEnumerable<FormField> fields) =>
        fields.SelectMany(f => AllPointers(f.Children).Prepend(f.Pointer));

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;
    private static string? Str(JsonObject s, string key) => s[key] is JsonValue v && v.TryGetValue<string>(out var x) ? x : null;
    private static int? Int(JsonObject s, string key) => s[key] is JsonValue v && v.TryGetValue<int>(out var x) ? x : null;
    private static decimal? Dec(JsonObject s, string key) => s[key] is JsonValue v && v.TryGetValue<decimal>(out var x) ? x : null;

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
