using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Marketplace.Catalog.Brokers;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance.Checks;

/// <summary>The outcome of the broker check: passed or not, the exact mismatches, and the broker's answer as it came.</summary>
public sealed record BrokerCheckOutcome(bool Passed, string Detail, string? RawEvidence, IReadOnlyList<string> Mismatches);

/// <summary>
/// Asks the vendor's Open Service Broker for its catalogue (GET /v2/catalog, through the connection the offering names) and
/// checks it as OSB 2.17 demands: the service with the offering's serviceId must be there with every plan id the offering
/// names; a plan that declares a create-parameter schema (optional in the specification) must accept each of the offering's
/// sample configurations. Every mismatch is named with where it is.
/// </summary>
public sealed class BrokerCatalogCheck(IBrokerCatalogSource source, ConformanceOptions options)
{
    public async Task<BrokerCheckOutcome> RunAsync(OfferingDescriptor offering, CancellationToken ct = default)
    {
        var p = offering.Provisioning;
        if (p.Type != "osb" || (string.IsNullOrEmpty(p.BrokerUrl) && string.IsNullOrEmpty(p.BrokerConnection)) || string.IsNullOrEmpty(p.ServiceId))
            return Failed(["Das Angebot nennt keinen Broker (provisioning.type 'osb' mit brokerConnection oder brokerUrl und serviceId)."], null);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.CheckTimeout);
        BrokerCatalogFetch fetch;
        try
        {
            // The version the offering claims: a broker written for 2.15 may refuse a newer one (412).
            fetch = await source.FetchAsync(offering, ApiVersionOf(offering), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(["GET /v2/catalog: keine Antwort in der erlaubten Zeit."], null);
        }
        var url = fetch.Request;
        if (fetch.Problem is { } problem) return Failed([$"{url}: {problem}"], fetch.Status is { } s ? $"{url} → HTTP {s}" : null);
        var body = Limited(fetch.Body ?? "", options.MaxRawEvidenceBytes);
        var raw = $"{url} → HTTP {fetch.Status}\n{body}";
        if (fetch.Status is 401 or 403)
            return Failed([$"Anmeldung beim Broker abgelehnt ({fetch.Status}): {url}. Prüfen Sie Benutzername und Passwort bzw. Client-ID und Secret der Broker-Verbindung."], raw);
        if (fetch.Status != 200) return Failed([$"{url} antwortet mit HTTP {fetch.Status} statt 200."], raw);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(fetch.Body ?? "");
        }
        catch (JsonException e)
        {
            return Failed([$"Die Antwort auf {url} ist kein gültiges JSON: {e.Message}"], raw);
        }
        if (root?["services"] is not JsonArray services)
            return Failed(["Die Antwort enthält kein Feld 'services' (Liste)."], raw);

        var service = services.OfType<JsonObject>().FirstOrDefault(s => Text(s["id"]) == p.ServiceId);
        if (service is null)
        {
            var offered = services.OfType<JsonObject>().Select(s => Text(s["id"]) ?? "(ohne id)").ToList();
            return Failed([$"Service '{p.ServiceId}' fehlt im Katalog des Brokers; der Broker bietet: {(offered.Count == 0 ? "keinen Service" : string.Join(", ", offered))}."], raw);
        }

        var mismatches = new List<string>();
        var plans = (service["plans"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var brokerPlanIds = plans.Select(pl => Text(pl["id"])).Where(id => id is not null).ToList();
        var samples = SampleConfigurations.Of(offering);
        var withSchema = 0;
        foreach (var plan in offering.Plans)
        {
            if (p.PlanIds is null || !p.PlanIds.TryGetValue(plan.Id, out var planId))
            {
                mismatches.Add($"Tarif '{plan.Id}': das Angebot nennt keine Broker-Plan-ID.");
                continue;
            }
            var brokerPlan = plans.FirstOrDefault(pl => Text(pl["id"]) == planId);
            if (brokerPlan is null)
            {
                mismatches.Add($"Tarif '{plan.Id}': Plan-ID '{planId}' fehlt im Service '{p.ServiceId}'; der Broker bietet: {string.Join(", ", brokerPlanIds)}.");
                continue;
            }
            // Plan schemas are optional in OSB: a plan without one accepts what the platform sends.
            if (brokerPlan["schemas"]?["service_instance"]?["create"]?["parameters"] is not JsonObject declared) continue;
            withSchema++;
            if (samples.Count == 0)
            {
                mismatches.Add($"Tarif '{plan.Id}' (Plan '{planId}'): der Broker erklärt ein Parameterschema, aber das Angebot nennt keine Beispielkonfiguration " +
                    "(provisioning.sampleConfigurations), an der es geprüft werden kann.");
                continue;
            }
            foreach (var rejection in SampleConfigurations.Rejections(declared, samples).Take(options.MaxReportedDifferences))
                mismatches.Add($"Tarif '{plan.Id}' (Plan '{planId}'), Parameterschema des Brokers: {rejection}");
        }
        return mismatches.Count == 0
            ? new BrokerCheckOutcome(true, $"Service '{p.ServiceId}' mit {offering.Plans.Count} Plan-ID(s) im Katalog des Brokers" +
                (withSchema > 0 ? $"; {withSchema} Plan-Schema(s) nehmen {samples.Count} Beispielkonfiguration(en) an." : "."), raw, [])
            : Failed(mismatches, raw);
    }

    private string ApiVersionOf(OfferingDescriptor offering) =>
        offering.Standards.FirstOrDefault(s => s.Standard == "open-service-broker")?.Version is { Length: > 0 } v ? v : options.BrokerApiVersion;

    private static BrokerCheckOutcome Failed(IReadOnlyList<string> mismatches, string? raw) => new(false, string.Join(" ", mismatches), raw, mismatches);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>At most <paramref name="limit"/> characters: a misbehaving broker must not fill the database.</summary>
    private static string Limited(string text, int limit) => text.Length > limit ? text[..limit] + $"\n… (nach {limit} Zeichen abgeschnitten)" : text;
}

/// <summary>
/// The configurations a broker's plan schema must accept: the offering's <c>provisioning.sampleConfigurations</c>, or, when it
/// names none, one built from the defaults and examples of its configuration schema if the offering's own schema accepts it.
/// </summary>
public static class SampleConfigurations
{
    public static IReadOnlyList<JsonObject> Of(OfferingDescriptor offering)
    {
        if (offering.Provisioning.SampleConfigurations is { Count: > 0 } given) return given;
        var sample = new JsonObject();
        foreach (var (name, property) in offering.TenantConfigSchema["properties"] as JsonObject ?? [])
            if (property is JsonObject p && (p["default"] ?? (p["examples"] as JsonArray)?.FirstOrDefault() ?? p["const"] ?? (p["enum"] as JsonArray)?.FirstOrDefault()) is { } value)
                sample[name] = value.DeepClone();
        return Rejections(offering.TenantConfigSchema, [sample]).Any() ? [] : [sample];
    }

    /// <summary>Why the schema rejects a sample, one line per sample ("Beispiel 1: /umgebung: …"); empty when it accepts all.</summary>
    public static IEnumerable<string> Rejections(JsonObject schema, IReadOnlyList<JsonObject> samples)
    {
        JsonSchema built;
        try
        {
            built = JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception e) when (e is JsonSchemaException or ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            return [$"kein auswertbares JSON Schema: {e.Message}"];
        }
        var result = new List<string>();
        for (var i = 0; i < samples.Count; i++)
        {
            var evaluation = built.Evaluate(JsonSerializer.SerializeToElement(samples[i]), new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (evaluation.IsValid) continue;
            var errors = (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
                .Distinct().Take(3).ToList();
            result.Add($"lehnt Beispielkonfiguration {i + 1} ab ({(errors.Count > 0 ? string.Join("; ", errors) : "ungültig")}).");
        }
        return result;
    }
}
