using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance.Review;

/// <summary>One field that differs between two versions: its path and both values as JSON (null where absent), for a side-by-side view.</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>
/// Field-level differences between two offering descriptors. List items that carry an id (plans, add-ons) or a standard
/// are matched by it, so inserting a plan shows one added plan rather than every later plan as changed.
/// </summary>
public static class VersionDiff
{
    public static IReadOnlyList<FieldChange> Between(OfferingDescriptor? before, OfferingDescriptor after)
    {
        var changes = new List<FieldChange>();
        var a = before is null ? null : JsonSerializer.SerializeToNode(before, DescriptorJson.Options);
        Walk(a, JsonSerializer.SerializeToNode(after, DescriptorJson.Options), "", changes);
        return changes;
    }

    private static void Walk(JsonNode? before, JsonNode? after, string path, List<FieldChange> changes)
    {
        if (before is JsonObject bo && after is JsonObject ao)
        {
            foreach (var key in bo.Select(p => p.Key).Union(ao.Select(p => p.Key)))
                Walk(bo[key], ao[key], path + "/" + key, changes);
            return;
        }
        if (before is JsonArray ba && after is JsonArray aa)
        {
            if (Keyed(ba) is { } bk && Keyed(aa) is { } ak)
            {
                foreach (var key in bk.Keys.Union(ak.Keys))
                    Walk(bk.GetValueOrDefault(key), ak.GetValueOrDefault(key), path + "/" + key, changes);
                return;
            }
            for (var i = 0; i < Math.Max(ba.Count, aa.Count); i++)
                Walk(i < ba.Count ? ba[i] : null, i < aa.Count ? aa[i] : null, $"{path}/{i}", changes);
            return;
        }
        // A text that differs only in line endings is unchanged (a textarea posts CR LF).
        if (before?.GetValueKind() == JsonValueKind.String && after?.GetValueKind() == JsonValueKind.String
            && WordDiff.SameText(before.GetValue<string>(), after.GetValue<string>())) return;
        if (!JsonNode.DeepEquals(before, after))
            changes.Add(new FieldChange(path.Length == 0 ? "/" : path, before?.ToJsonString(), after?.ToJsonString()));
    }

    /// <summary>The items by their id (or standard), when every item has a distinct one; otherwise null and items compare by position.</summary>
    private static Dictionary<string, JsonNode?>? Keyed(JsonArray array)
    {
        var result = new Dictionary<string, JsonNode?>();
        foreach (var item in array)
        {
            var key = item is JsonObject o ? (o["id"] ?? o["standard"]) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null : null;
            if (key is null || !result.TryAdd(key, item)) return null;
        }
        return result;
    }
}
