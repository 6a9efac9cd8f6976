using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Conformance.Checks;

/// <summary>The outcome of the broker check: passed or not, the exact mismatches, and the broker's answer as it came.</summary>
public sealed record BrokerCheckOutcome(bool Passed, string Detail, string? RawEvidence, IReadOnlyList<string> Mismatches);

/// <summary>
/// Asks the vendor's Open Service Broker for its catalogue (GET /v2/catalog) and compares it with the offering: the service
/// with the offering's serviceId must be there, with every plan id the offering names, and each of those plans must declare a
/// create-parameter schema equal to the offering's tenantConfigSchema. Every mismatch is named with where it is.
/// </summary>
public sealed class BrokerCatalogCheck(HttpClient http, ConformanceOptions options)
{
    public async Task<BrokerCheckOutcome> RunAsync(OfferingDescriptor offering, CancellationToken ct = default)
    {
        var p = offering.Provisioning;
        if (p.Type != "osb" || string.IsNullOrEmpty(p.BrokerUrl) || string.IsNullOrEmpty(p.ServiceId))
            return Failed(["Das Angebot nennt keinen Broker (provisioning.type 'osb' mit brokerUrl und serviceId)."], null);
        var url = p.BrokerUrl.TrimEnd('/') + "/v2/catalog";

        string body;
        int status;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.CheckTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            // The version the offering claims: a broker written for 2.15 may refuse a newer one (412).
            request.Headers.Add("X-Broker-API-Version", ApiVersionOf(offering));
            request.Headers.Add("X-Broker-API-Request-Identity", Guid.NewGuid().ToString());
            request.Headers.Add("X-Broker-API-Originating-Identity", options.Platform + " " +
                Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["user_id"] = "system:conformance" }.ToJsonString())));
            using var response = await http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            body = await ReadLimitedAsync(response.Content, options.MaxRawEvidenceBytes, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return Failed([$"GET {url}: nicht erreichbar: {e.Message}"], null);
        }
        var raw = $"GET {url} → HTTP {status}\n{body}";
        if (status != 200) return Failed([$"GET {url} antwortet mit HTTP {status} statt 200."], raw);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return Failed([$"Die Antwort auf GET {url} ist kein gültiges JSON: {e.Message}"], raw);
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
            var declared = brokerPlan["schemas"]?["service_instance"]?["create"]?["parameters"];
            if (declared is null)
            {
                mismatches.Add($"Tarif '{plan.Id}' (Plan '{planId}'): der Broker erklärt kein Parameterschema (schemas.service_instance.create.parameters).");
                continue;
            }
            foreach (var difference in JsonDifferences.Between(offering.TenantConfigSchema, declared).Take(options.MaxReportedDifferences))
                mismatches.Add($"Tarif '{plan.Id}' (Plan '{planId}'), Parameterschema {difference}");
        }
        return mismatches.Count == 0
            ? new BrokerCheckOutcome(true, $"Service '{p.ServiceId}' mit {offering.Plans.Count} Plan-ID(s) und passendem Parameterschema im Katalog des Brokers.", raw, [])
            : Failed(mismatches, raw);
    }

    private string ApiVersionOf(OfferingDescriptor offering) =>
        offering.Standards.FirstOrDefault(s => s.Standard == "open-service-broker")?.Version is { Length: > 0 } v ? v : options.BrokerApiVersion;

    private static BrokerCheckOutcome Failed(IReadOnlyList<string> mismatches, string? raw) => new(false, string.Join(" ", mismatches), raw, mismatches);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads at most <paramref name="limit"/> bytes: a misbehaving broker must not fill the database.</summary>
    private static async Task<string> ReadLimitedAsync(HttpContent content, int limit, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[limit + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        var text = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, limit));
        return read > limit ? text + $"\n… (nach {limit} Bytes abgeschnitten)" : text;
    }
}

/// <summary>Field-level differences between two JSON trees, each named by its JSON Pointer: expected (ours) versus actual (theirs).</summary>
public static class JsonDifferences
{
    public static IEnumerable<string> Between(JsonNode? expected, JsonNode? actual, string pointer = "")
    {
        var at = pointer.Length == 0 ? "/" : pointer;
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    var child = pointer + "/" + Escape(key);
                    if (!a.ContainsKey(key)) yield return $"{child}: fehlt beim Broker (Angebot: {Show(value)})";
                    else foreach (var d in Between(value, a[key], child)) yield return d;
                }
                foreach (var (key, value) in a)
                    if (!e.ContainsKey(key)) yield return $"{pointer}/{Escape(key)}: nur beim Broker ({Show(value)})";
                break;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count) yield return $"{at}: {e.Count} Einträge im Angebot, {a.Count} beim Broker";
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                    foreach (var d in Between(e[i], a[i], $"{pointer}/{i}")) yield return d;
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual)) yield return $"{at}: Angebot {Show(expected)}, Broker {Show(actual)}";
                break;
        }
    }

    private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 80 ? text[..77] + "…" : text;
    }
}
