using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace Marketplace.Provisioning.Configuration;

/// <summary>
/// Secret configuration values at rest: a secret field is stored as <c>{"$protected": "..."}</c>, encrypted with
/// ASP.NET Core Data Protection (key ring shared by every host through the database). Clients only ever see
/// whether a secret is set; the plain value is revealed for the broker call alone.
/// </summary>
public sealed class ConfigSecrets(IDataProtectionProvider provider)
{
    public const string Marker = "$protected";

    private readonly IDataProtector _protector = provider.CreateProtector("Marketplace.Provisioning.TenantConfiguration.v1");

    public string ProtectText(string plain) => _protector.Protect(plain);

    public string UnprotectText(string protectedText) => _protector.Unprotect(protectedText);

    /// <summary>A copy with every secret field (plain) replaced by its protected form.</summary>
    public JsonObject Protect(TenantSchema schema, JsonObject values)
    {
        var copy = (JsonObject)values.DeepClone();
        Visit(copy, "", schema, (parent, key, node) =>
        {
            if (node is null || IsProtected(node)) return;
            SetChild(parent, key, new JsonObject { [Marker] = _protector.Protect(node.ToJsonString()) });
        });
        return copy;
    }

    /// <summary>A copy with secrets decrypted: for the broker call, never for a client.</summary>
    public JsonObject Reveal(JsonObject values)
    {
        var copy = (JsonObject)values.DeepClone();
        RevealIn(copy);
        return copy;
    }

    /// <summary>
    /// A copy a client may see: secrets removed; <paramref name="secretsSet"/> lists the pointers of the secrets that have a value.
    /// </summary>
    public static JsonObject Redact(JsonObject values, out IReadOnlyList<string> secretsSet)
    {
        var copy = (JsonObject)values.DeepClone();
        var set = new List<string>();
        RedactIn(copy, "", set);
        secretsSet = set;
        return copy;
    }

    /// <summary>
    /// A change of configuration as a client sends it: secrets it leaves out (it never saw them) keep their stored
    /// value; a secret it sends replaces the stored one.
    /// </summary>
    public static JsonObject KeepUnsentSecrets(TenantSchema schema, JsonObject incoming, JsonObject stored)
    {
        var merged = (JsonObject)incoming.DeepClone();
        foreach (var pointer in Pointers(stored).Where(p => IsProtected(At(stored, p))))
        {
            if (!schema.IsSecret(pointer) || At(merged, pointer) is not null) continue;
            var parentPointer = pointer[..pointer.LastIndexOf('/')];
            if (At(merged, parentPointer) is JsonObject parent)
                parent[TenantSchema.Segments(pointer).Last()] = At(stored, pointer)!.DeepClone();
            else if (parentPointer.Length == 0)
                merged[TenantSchema.Segments(pointer).Last()] = At(stored, pointer)!.DeepClone();
        }
        return merged;
    }

    public static bool IsProtected(JsonNode? node) => node is JsonObject o && o.Count == 1 && o.ContainsKey(Marker);

    internal static JsonNode? At(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var s in TenantSchema.Segments(pointer))
        {
            node = node switch
            {
                JsonObject o => o[s],
                JsonArray a when int.TryParse(s, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static IEnumerable<string> Pointers(JsonNode node, string pointer = "")
    {
        yield return pointer;
        if (IsProtected(node)) yield break;
        if (node is JsonObject o)
            foreach (var (k, v) in o) { if (v is not null) foreach (var p in Pointers(v, TenantSchema.Append(pointer, k))) yield return p; }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++) if (a[i] is { } v) foreach (var p in Pointers(v, TenantSchema.Append(pointer, i.ToString()))) yield return p;
    }

    private void RevealIn(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var key in o.Select(kv => kv.Key).ToList())
            {
                if (IsProtected(o[key])) o[key] = JsonNode.Parse(_protector.Unprotect(o[key]![Marker]!.GetValue<string>()));
                else if (o[key] is { } child) RevealIn(child);
            }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                if (IsProtected(a[i])) a[i] = JsonNode.Parse(_protector.Unprotect(a[i]![Marker]!.GetValue<string>()));
                else if (a[i] is { } child) RevealIn(child);
            }
    }

    private static void RedactIn(JsonNode node, string pointer, List<string> set)
    {
        if (node is JsonObject o)
            foreach (var key in o.Select(kv => kv.Key).ToList())
            {
                var p = TenantSchema.Append(pointer, key);
                if (IsProtected(o[key])) { o.Remove(key); set.Add(p); }
                else if (o[key] is { } child) RedactIn(child, p, set);
            }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                var p = TenantSchema.Append(pointer, i.ToString());
                if (IsProtected(a[i])) { a[i] = null; set.Add(p); }
                else if (a[i] is { } child) RedactIn(child, p, set);
            }
    }

    /// <summary>Calls <paramref name="action"/> for every present value at a secret pointer of the schema.</summary>
    private static void Visit(JsonObject root, string pointer, TenantSchema schema, Action<JsonNode, string, JsonNode?> action)
    {
        foreach (var key in root.Select(kv => kv.Key).ToList())
        {
            var p = TenantSchema.Append(pointer, key);
            var child = root[key];
            if (schema.IsSecret(p)) action(root, key, child);
            else VisitNode(child, p, schema, action);
        }
    }

    private static void VisitNode(JsonNode? node, string pointer, TenantSchema schema, Action<JsonNode, string, JsonNode?> action)
    {
        if (node is JsonObject o) Visit(o, pointer, schema, action);
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                var p = TenantSchema.Append(pointer, i.ToString());
                if (schema.IsSecret(p)) action(a, i.ToString(), a[i]);
                else VisitNode(a[i], p, schema, action);
            }
    }

    private static void SetChild(JsonNode parent, string key, JsonNode value)
    {
        if (parent is JsonObject o) o[key] = value;
        else if (parent is JsonArray a) a[int.Parse(key)] = value;
    }
}
