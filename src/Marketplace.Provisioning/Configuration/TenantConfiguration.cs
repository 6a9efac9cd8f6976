using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Municipalities;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Subscriptions;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Configuration;

/// <summary>A configuration as a client sees it: values without secrets, which secrets are set, and where each value came from.</summary>
public sealed record ConfigView(JsonObject Values, IReadOnlyList<string> SecretsSet, IReadOnlyDictionary<string, ConfigSource> Provenance, ConfigFormModel Form);

/// <summary>A municipality's configuration checked and ready to store: protected own values and the effective result.</summary>
internal sealed record PreparedConfig(JsonObject ProtectedOwn, EffectiveConfig Effective, IReadOnlyList<FieldError> Errors);

/// <summary>
/// A municipality's configuration of one offering: its own values validated together with the Land defaults they
/// are merged over, secrets encrypted, and the effective result shown with provenance and as a form.
/// </summary>
public sealed class TenantConfiguration(Database database, OfferingDirectory offerings, ConfigSecrets secrets, MunicipalityDirectory municipalities)
{
    /// <summary>
    /// Validates <paramref name="own"/> over the Land defaults. Secrets the client left out keep their stored value
    /// (<paramref name="storedOwn"/>). Errors point at the field.
    /// </summary>
    internal async Task<PreparedConfig> PrepareAsync(DbConnection c, DbTransaction? tx, OfferingInfo offering, string landCode, JsonObject own,
        JsonObject? storedOwn = null, IEnumerable<ConfigLayer>? extraLayers = null)
    {
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        var incoming = storedOwn is null ? own : ConfigSecrets.KeepUnsentSecrets(schema, own, storedOwn);
        var defaults = await LandDefaults.ForAsync(c, tx, offering.Id, landCode);
        var layers = LandDefaults.Layers(defaults).Concat(extraLayers ?? []).Append(new ConfigLayer(ConfigSource.Own, incoming)).ToList();
        var effective = EffectiveConfiguration.Merge(schema, layers);
        // Validate the plain values: protected secrets are revealed only in memory, for the schema's checks.
        var errors = schema.Validate(secrets.Reveal(effective.Values));
        return new PreparedConfig(secrets.Protect(schema, incoming), effective, errors);
    }

    /// <summary>The order form for an offering in a municipality: Land defaults already filled in, with their provenance.</summary>
    /// <remarks><paramref name="namePrefix"/> keeps the inputs apart from a page's own ("cfg" gives "cfg.behoerde").</remarks>
    public async Task<ConfigFormModel> OrderFormAsync(string actingAgs, string offeringId, JsonObject? values = null,
        IReadOnlyList<FieldError>? errors = null, CancellationToken ct = default, string namePrefix = "")
    {
        var offering = await offerings.GetAsync(offeringId, ct) ?? throw new NotFoundException("offering", offeringId);
        var m = await municipalities.GetAsync(actingAgs, ct) ?? throw new NotFoundException("municipality", actingAgs);
        await using var c = await database.OpenAsync(ct);
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        var defaults = await LandDefaults.ForAsync(c, null, offeringId, m.LandCode);
        var effective = EffectiveConfiguration.Merge(schema, LandDefaults.Layers(defaults).Append(new ConfigLayer(ConfigSource.Own, values ?? new JsonObject())));
        return ConfigForm.Build(schema, effective.Values, effective.Provenance, errors, namePrefix);
    }

    /// <summary>The effective configuration of a subscription, for the municipality that owns it.</summary>
    public async Task<ConfigView> ViewAsync(string actingAgs, string subscriptionId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var s = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = subscriptionId });
        if (s is null || s.MunicipalityAgs != actingAgs) throw new NotFoundException("subscription", subscriptionId);
        return await ViewAsync(c, s, ct);
    }

    /// <summary>The effective configuration of a subscription, for its vendor (secrets hidden there too).</summary>
    public async Task<ConfigView> ViewForVendorAsync(string vendorId, string subscriptionId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var s = await c.QuerySingleOrDefaultAsync<SubscriptionRecord>(ProvisioningSql.SubscriptionById, new { id = subscriptionId });
        if (s is null || s.VendorId != vendorId) throw new NotFoundException("subscription", subscriptionId);
        return await ViewAsync(c, s, ct);
    }

    private async Task<ConfigView> ViewAsync(DbConnection c, SubscriptionRecord s, CancellationToken ct)
    {
        var offering = await offerings.GetAsync(c, null, s.OfferingId) ?? throw new NotFoundException("offering", s.OfferingId);
        var m = await municipalities.GetAsync(s.MunicipalityAgs, ct)
            ?? throw new InvalidOperationException($"municipality {s.MunicipalityAgs} is not in the directory");
        var schema = TenantSchema.For(offering.Descriptor.TenantConfigSchema);
        var defaults = await LandDefaults.ForAsync(c, null, s.OfferingId, m.LandCode);
        var effective = EffectiveConfiguration.Merge(schema,
            LandDefaults.Layers(defaults).Append(new ConfigLayer(ConfigSource.Own, (JsonObject)JsonNode.Parse(s.ConfigJson)!)));
        var redacted = ConfigSecrets.Redact(effective.Values, out var set);
        return new ConfigView(redacted, set, effective.Provenance, ConfigForm.Build(schema, effective.Values, effective.Provenance));
    }
}
