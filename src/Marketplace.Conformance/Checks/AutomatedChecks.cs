using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Marketplace.Catalog.Brokers;
using Marketplace.Catalog.Descriptors;
using Marketplace.Conformance.Standards;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance.Checks;

/// <summary>
/// Runs the automated criteria of a standard version against an offering version. Static checks read only the
/// descriptor; live checks (the vendor's broker, the accessibility statement) call the vendor's systems and run when
/// a version is submitted and when an auditor asks, never inside a database transaction.
/// </summary>
public sealed class AutomatedChecks(HttpClient http, IOptions<ConformanceOptions> options, TimeProvider clock, IBrokerCatalogSource? brokers = null)
{
    public const string FieldPresent = "field-present";
    public const string ReifegradMin = "reifegrad-min";
    public const string HostingIn = "hosting-in";
    public const string ConfigSchemaValid = "config-schema-valid";
    public const string AccessibilityStatement = "accessibility-statement";
    public const string OsbCatalog = "osb-catalog";

    public static bool IsLive(string? checkType) => checkType is AccessibilityStatement or OsbCatalog;

    /// <summary>Runs every automated criterion of the offering's claimed standard versions; live ones only when <paramref name="live"/>.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(OfferingDescriptor offering, StandardsSnapshot standards, bool live, CancellationToken ct = default)
    {
        var results = new List<CheckResult>();
        foreach (var claim in offering.Standards)
        {
            if (!standards.Standards.TryGetValue(claim.Standard, out var standard) || standard.Version(claim.Version) is not { } version) continue;
            foreach (var criterion in version.Criteria.Where(c => c.IsAutomated))
            {
                var (outcome, detail, raw) = !live && IsLive(criterion.CheckType)
                    ? (CheckOutcomes.Pending, "Live-Prüfung noch nicht gelaufen (läuft bei Einreichung und auf Anforderung einer Prüferin).", null)
                    : await RunOneAsync(offering, criterion, ct);
                results.Add(new CheckResult(claim.Standard, claim.Version, criterion.Id, outcome, detail, raw, clock.GetUtcNow()));
            }
        }
        return results;
    }

    private async Task<(string Outcome, string Detail, string? Raw)> RunOneAsync(OfferingDescriptor o, CriterionInfo criterion, CancellationToken ct)
    {
        var check = criterion.Check!;
        switch (criterion.CheckType)
        {
            case FieldPresent:
                var path = check["field"]!.GetValue<string>();
                // "a|b": either field will do (an osb offering names a broker connection or, without authentication, a URL).
                var document = JsonSerializer.SerializeToNode(o, DescriptorJson.Options);
                return path.Split('|').Any(alternative => Present(document, alternative))
                    ? Pass($"Feld '{path}' ist angegeben.")
                    : Fail($"Feld '{path}' fehlt.");
            case ReifegradMin:
                var min = check["min"]!.GetValue<int>();
                return o.Reifegrad >= min
                    ? Pass($"Reifegrad {o.Reifegrad} (mindestens {min}).")
                    : Fail($"Reifegrad {o.Reifegrad} liegt unter dem Mindestwert {min}.");
            case HostingIn:
                var allowed = check["allowed"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
                return allowed.Contains(o.Hosting.Location)
                    ? Pass($"Hosting-Standort {o.Hosting.Location} ist zulässig.")
                    : Fail($"Hosting-Standort {o.Hosting.Location} ist nicht zulässig; zulässig sind: {string.Join(", ", allowed)}.");
            case ConfigSchemaValid:
                return SchemaProblems(o.TenantConfigSchema) is { } problem ? Fail(problem) : Pass("Das Konfigurationsschema ist ein gültiges JSON Schema (draft 2020-12).");
            case AccessibilityStatement:
                return await AccessibilityAsync(o, ct);
            case OsbCatalog:
                var outcome = await new BrokerCatalogCheck(brokers ?? new HttpBrokerCatalogSource(http, options.Value), options.Value).RunAsync(o, ct);
                return (outcome.Passed ? CheckOutcomes.Pass : CheckOutcomes.Fail, outcome.Detail, outcome.RawEvidence);
            default:
                return Fail($"Unbekannte Prüfart '{criterion.CheckType}'.");
        }
    }

    private static (string, string, string?) Pass(string detail) => (CheckOutcomes.Pass, detail, null);
    private static (string, string, string?) Fail(string detail) => (CheckOutcomes.Fail, detail, null);

    /// <summary>A dotted path is present when it leads to a value that is not null, not an empty string and not an empty list or object.</summary>
    internal static bool Present(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
            if (node is null) return false;
        }
        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
            JsonArray a => a.Count > 0,
            JsonObject obj => obj.Count > 0,
            _ => true,
        };
    }

    /// <summary>Null when the schema is a valid JSON Schema draft 2020-12 that can be built; otherwise the first problems with their location.</summary>
    internal static string? SchemaProblems(JsonObject schema)
    {
        try
        {
            var element = JsonSerializer.SerializeToElement(schema);
            var meta = MetaSchemas.Draft202012.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!meta.IsValid)
            {
                var errors = (meta.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } p ? p : "/")}: {e.Value}"))
                    .Distinct().Take(5).ToList();
                return "Das Konfigurationsschema ist kein gültiges JSON Schema (draft 2020-12): " +
                       (errors.Count > 0 ? string.Join("; ", errors) : "verletzt das Metaschema") + ".";
            }
            JsonSchema.Build(element, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return schema["type"]?.GetValue<string>() == "object" ? null : "Das Konfigurationsschema muss den Typ 'object' haben.";
        }
        catch (Exception e) when (e is JsonSchemaException or ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            return $"Das Konfigurationsschema lässt sich nicht übersetzen: {e.Message}";
        }
    }

    private async Task<(string, string, string?)> AccessibilityAsync(OfferingDescriptor o, CancellationToken ct)
    {
        if (o.AccessibilityStatementUrl is not { } url) return Fail("Keine Erklärung zur Barrierefreiheit angegeben.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.CheckTimeout);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var raw = $"GET {url} → {(int)response.StatusCode} {response.ReasonPhrase}, Content-Type: {response.Content.Headers.ContentType}";
            return response.IsSuccessStatusCode
                ? (CheckOutcomes.Pass, $"Die Erklärung ist unter {url} abrufbar (HTTP {(int)response.StatusCode}).", raw)
                : (CheckOutcomes.Fail, $"Die Erklärung ist unter {url} nicht abrufbar: HTTP {(int)response.StatusCode}.", raw);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return (CheckOutcomes.Fail, $"Die Erklärung ist unter {url} nicht erreichbar: {e.Message}", null);
        }
    }
}
