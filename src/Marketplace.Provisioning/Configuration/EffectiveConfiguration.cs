using System.Text.Json.Nodes;

namespace Marketplace.Provisioning.Configuration;

/// <summary>Where a configuration value came from.</summary>
public sealed record ConfigSource(string Kind, string? OrganisationId = null)
{
    public const string SchemaDefault = "schema-default";
    public const string VendorLandDefault = "land-default-vendor";
    public const string BundlerLandDefault = "land-default-bundler";
    public const string Rollout = "rollout";
    public const string CsvOverride = "csv-override";
    public const string Municipality = "municipality";

    public static ConfigSource Schema { get; } = new(SchemaDefault);
    public static ConfigSource Own { get; } = new(Municipality);
}

/// <summary>One layer of configuration values with its source; layers are merged from lowest to highest precedence.</summary>
public sealed record ConfigLayer(ConfigSource Source, JsonObject Values);

/// <summary>The effective configuration and, per value (JSON Pointer of each leaf or array), where it came from.</summary>
public sealed record EffectiveConfig(JsonObject Values, IReadOnlyDictionary<string, ConfigSource> Provenance);

/// <summary>
/// Merges configuration layers: schema defaults under Land defaults (vendor, then bundling organisation) under the
/// municipality's own values. Objects merge field by field; scalars and arrays replace as a whole. Protected
/// secrets are leaves and stay protected.
/// </summary>
public static class EffectiveConfiguration
{
    public static EffectiveConfig Merge(TenantSchema schema, IEnumerable<ConfigLayer> layersLowToHigh)
    {
        var values = new JsonObject();
        var provenance = new Dictionary<string, ConfigSource>(StringComparer.Ordinal);
        foreach (var layer in layersLowToHigh) MergeInto(values, layer.Values, "", layer.Source, provenance);
        ApplyDefaults(schema.Raw, values, "", provenance);
        return new EffectiveConfig(values, provenance);
    }

    private static void MergeInto(JsonObject target, JsonObject source, string pointer, ConfigSource from, Dictionary<string, ConfigSource> provenance)
    {
        foreach (var (key, value) in source)
        {
            if (value is null) continue;
            var p = TenantSchema.Append(pointer, key);
            if (value is JsonObject obj && !ConfigSecrets.IsProtected(obj))
            {
                if (target[key] is not JsonObject existing || ConfigSecrets.IsProtected(existing))
                {
                    existing = new JsonObject();
                    target[key] = existing;
                    Forget(provenance, p);
                }
                MergeInto(existing, obj, p, from, provenance);
            }
            else
            {
                target[key] = value.DeepClone();
                Forget(provenance, p);
                provenance[p] = from;
            }
        }
    }

    /// <summary>Schema defaults fill fields no layer set, inside objects that exist (a default never invents a whole section).</summary>
    private static void ApplyDefaults(JsonObject schema, JsonObject values, string pointer, Dictionary<string, ConfigSource> provenance)
    {
        if (schema["properties"] is not JsonObject props) return;
        foreach (var (key, sub) in props)
        {
            if (sub is not JsonObject s) continue;
            var p = TenantSchema.Append(pointer, key);
            if (values[key] is null && s["default"] is { } def)
            {
                values[key] = def.DeepClone();
                provenance[p] = ConfigSource.Schema;
            }
            else if (values[key] is JsonObject child && !ConfigSecrets.IsProtected(child)) ApplyDefaults(s, child, p, provenance);
        }
    }

    private static void Forget(Dictionary<string, ConfigSource> provenance, string pointer)
    {
        foreach (var k in provenance.Keys.Where(k => k == pointer || k.StartsWith(pointer + "/", StringComparison.Ordinal)).ToList())
            provenance.Remove(k);
    }
}
