using System.Data.Common;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Storage;

namespace Marketplace.Provisioning.Bundles;

/// <summary>The offering a buyer picked for one Leistung of a bundle (competing vendors allowed), with its own values.</summary>
/// <remarks>An offering that does not fit the municipality's data policy needs its own exception with a reason, as in a single order.</remarks>
public sealed record BundleSelection(string OzgId, string OfferingId, string PlanId, IReadOnlyList<string>? AddOnIds, JsonObject? Configuration,
    DataPolicyExceptionRequest? DataPolicyException = null);

/// <summary>One order for a life-event bundle: a selection per Leistung and the configuration fields they share, entered once.</summary>
public sealed record BundleOrderRequest(string BundleId, IReadOnlyList<BundleSelection> Selections, JsonObject? SharedConfiguration);

/// <summary>
/// The bundle order form: fields several selected offerings share (same name and type at the top level), shown
/// once, and per offering the fields only it has.
/// </summary>
public sealed record BundleFormModel(string BundleId, IReadOnlyList<string> SharedFieldNames, IReadOnlyList<FormField> SharedFields,
    IReadOnlyDictionary<string, ConfigFormModel> PerOffering);

/// <summary>
/// Life-event bundles (catalog/bundles/*.yaml): one order creates a subscription per selected offering, all in one
/// transaction, with the same idempotency and approval rules as a single order.
/// </summary>
public sealed class BundleOrders(OfferingRecords records, OfferingDirectory offerings, OrderService orders, TenantConfiguration configuration)
{
    public async Task<BundleFormModel> FormAsync(string actingAgs, string bundleId, IReadOnlyDictionary<string, string> offeringPerLeistung,
        CancellationToken ct = default)
    {
        var leistungen = await LeistungenAsync(bundleId, ct);
        var picked = new List<OfferingInfo>();
        foreach (var (ozg, offeringId) in offeringPerLeistung)
        {
            if (!leistungen.Contains(ozg)) throw new RequestValidationException([FieldError.Coded($"selections/{ozg}", "bundle.not-in-bundle", "Leistung gehört nicht zum Bündel")]);
            picked.Add(await offerings.GetAsync(offeringId, ct) ?? throw new NotFoundException("offering", offeringId));
        }
        var shared = SharedFields(picked.Select(o => TenantSchema.For(o.Descriptor.TenantConfigSchema)).ToList());
        var perOffering = new Dictionary<string, ConfigFormModel>(StringComparer.Ordinal);
        List<FormField> sharedFields = [];
        foreach (var o in picked)
        {
            var form = await configuration.OrderFormAsync(actingAgs, o.Id, null, null, ct);
            sharedFields.AddRange(form.Fields.Where(f => shared.Contains(f.Name) && sharedFields.All(s => s.Name != f.Name)));
            perOffering[o.Id] = form with { Fields = form.Fields.Where(f => !shared.Contains(f.Name)).ToList() };
        }
        return new BundleFormModel(bundleId, shared.Order(StringComparer.Ordinal).ToList(), sharedFields, perOffering);
    }

    public async Task<OrderResult> PlaceAsync(string actingAgs, string actingUserId, string idempotencyKey, BundleOrderRequest request,
        CancellationToken ct = default)
    {
        var leistungen = await LeistungenAsync(request.BundleId, ct);
        var errors = new List<FieldError>();
        if (request.Selections is null || request.Selections.Any(s => s is null))
            throw RequestValidationException.Coded("selections", "bundle.selections-missing", "Liste der gewählten Angebote fehlt oder enthält null");
        if (request.Selections.Count == 0) errors.Add(FieldError.Coded("selections", "bundle.choose-one", "mindestens ein Angebot wählen"));
        foreach (var (s, i) in request.Selections.Select((s, i) => (s, i)))
        {
            if (!leistungen.Contains(s.OzgId)) errors.Add(FieldError.Coded($"selections/{i}/ozgId", "bundle.not-in-bundle", "Leistung gehört nicht zum Bündel"));
            if (request.Selections.Take(i).Any(p => p.OzgId == s.OzgId)) errors.Add(FieldError.Coded($"selections/{i}/ozgId", "bundle.leistung-twice", "Leistung doppelt gewählt"));
            if (request.Selections.Take(i).Any(p => p.OfferingId == s.OfferingId)) errors.Add(FieldError.Coded($"selections/{i}/offeringId", "bundle.offering-twice", "Angebot doppelt gewählt"));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var hash = RequestHash.Of(new { kind = "bundle", request });
        return await orders.PlaceLinesAsync(actingAgs, actingUserId, idempotencyKey, "bundle", request.BundleId, hash, async (c, m) =>
        {
            var leistungErrors = new List<FieldError>();
            var provided = await records.LeistungenAsync(c, null, request.Selections.Select(s => s.OfferingId));
            for (var i = 0; i < request.Selections.Count; i++)
            {
                var s = request.Selections[i];
                if (!provided[s.OfferingId].Contains(s.OzgId))
                    leistungErrors.Add(FieldError.Coded($"selections/{i}/offeringId", "bundle.does-not-provide", $"Angebot erbringt die Leistung {s.OzgId} nicht", s.OzgId));
            }
            return await ValidateSelectionsAsync(c, m, "selections", request.Selections, request.SharedConfiguration, leistungErrors);
        }, ct);
    }

    /// <summary>
    /// Validates offerings ordered together: each line with the shared values its schema has a field for, overlaid by its
    /// own; a shared field's error is reported at the shared input. Errors name "<paramref name="list"/>/i/..." or
    /// "sharedConfiguration/...", after <paramref name="errors"/> found before.
    /// </summary>
    internal async Task<List<OrderService.ValidLine>> ValidateSelectionsAsync(DbConnection c, MunicipalityInfo m, string list,
        IReadOnlyList<BundleSelection> selections, JsonObject? shared, List<FieldError> errors)
    {
        var lines = new List<OrderService.ValidLine>();
        for (var i = 0; i < selections.Count; i++)
        {
            var s = selections[i];
            var offering = await offerings.GetAsync(c, null, s.OfferingId)
                ?? throw new RequestValidationException([FieldError.Coded($"{list}/{i}/offeringId", "order.unknown-offering-id", $"unbekanntes Angebot {s.OfferingId}", s.OfferingId)]);
            var own = SharedFor(TenantSchema.For(offering.Descriptor.TenantConfigSchema), shared);
            if (s.Configuration is not null) foreach (var (k, v) in s.Configuration) own[k] = v?.DeepClone();
            try
            {
                lines.Add(await orders.ValidateLineAsync(c, m, new OrderRequest(s.OfferingId, s.PlanId, s.AddOnIds, own) { DataPolicyException = s.DataPolicyException },
                    $"{list}/{i}/", []));
            }
            catch (RequestValidationException e)
            {
                // A shared field's error belongs to the shared input, where the buyer entered it once.
                errors.AddRange(e.Errors.Select(x => SharedError(x, $"{list}/{i}/configuration/", shared, s.Configuration)));
            }
        }
        if (errors.Count > 0) throw new RequestValidationException(errors.Distinct().ToList());
        return lines;
    }

    /// <summary>Top-level fields that at least two of the schemas have, with the same type and format.</summary>
    public static HashSet<string> SharedFields(IReadOnlyList<TenantSchema> schemas)
    {
        var signatures = schemas
            .SelectMany(s => (s.Raw["properties"] as JsonObject ?? []).Select(p => (Name: p.Key, Sig: Signature(p.Value as JsonObject))))
            .GroupBy(x => x.Name)
            .Where(g => g.Count() >= 2 && g.Select(x => x.Sig).Distinct().Count() == 1)
            .Select(g => g.Key);
        return signatures.ToHashSet(StringComparer.Ordinal);
    }

    private static string Signature(JsonObject? s) =>
        $"{s?["type"]?.ToJsonString()}|{s?["format"]?.ToJsonString()}|{s?["enum"]?.ToJsonString()}|{TenantSchema.IsSecretSchema(s)}";

    /// <summary>The shared values the schema has a field for.</summary>
    private static JsonObject SharedFor(TenantSchema schema, JsonObject? shared)
    {
        var own = new JsonObject();
        if (shared is null || schema.Raw["properties"] is not JsonObject props) return own;
        foreach (var (k, v) in shared) if (props.ContainsKey(k)) own[k] = v?.DeepClone();
        return own;
    }

    private static FieldError SharedError(FieldError e, string prefix, JsonObject? shared, JsonObject? own)
    {
        if (!e.Field.StartsWith(prefix, StringComparison.Ordinal)) return e;
        var top = e.Field[prefix.Length..].Split('/')[0];
        return shared?.ContainsKey(top) == true && own?.ContainsKey(top) != true ? e with { Field = "sharedConfiguration/" + e.Field[prefix.Length..] } : e;
    }

    private async Task<HashSet<string>> LeistungenAsync(string bundleId, CancellationToken ct)
    {
        var leistungen = (await records.BundleLeistungenAsync(bundleId, ct)).ToHashSet(StringComparer.Ordinal);
        return leistungen.Count == 0 ? throw new NotFoundException("bundle", bundleId) : leistungen;
    }
}
