using System.Text.Json.Nodes;
using Marketplace.Provisioning.Broker;

namespace Marketplace.Provisioning.Reconciliation;

/// <summary>The kinds of difference between a subscription and its instance at the broker (texts "Finding.&lt;kind&gt;").</summary>
public static class FindingKinds
{
    /// <summary>The broker has no such instance (404).</summary>
    public const string Missing = "missing";
    /// <summary>The broker's instance has another plan.</summary>
    public const string Plan = "plan";
    /// <summary>Parameters the broker returned differ from the platform's effective configuration.</summary>
    public const string Parameters = "parameters";
}

/// <summary>One difference: what the platform has and what the broker has (plan ids or parameter names, never parameter values).</summary>
public sealed record Mismatch(string Kind, string? Platform, string? Broker);

/// <summary>What the platform expects at the broker: the plan as the broker names it and the parameters as last sent.</summary>
public sealed record ExpectedInstance(string PlanOsbId, JsonObject Parameters);

/// <summary>Compares what the broker holds with what the platform expects.</summary>
public static class InstanceComparison
{
    /// <summary>
    /// The differences a fetch shows; none when it showed nothing certain (busy, unclear). A plan or parameters the
    /// broker did not return are not differences: the specification lets brokers withhold parameters.
    /// </summary>
    public static IReadOnlyList<Mismatch> Compare(FetchedInstance fetched, ExpectedInstance expected)
    {
        if (fetched.Outcome == FetchOutcome.Missing) return [new Mismatch(FindingKinds.Missing, expected.PlanOsbId, null)];
        if (fetched is not { Outcome: FetchOutcome.Found, Instance: { } seen }) return [];
        var found = new List<Mismatch>();
        if (seen.PlanId is { } plan && plan != expected.PlanOsbId) found.Add(new Mismatch(FindingKinds.Plan, expected.PlanOsbId, plan));
        var differing = DifferingParameters(expected.Parameters, seen.Parameters);
        if (differing.Count > 0) found.Add(new Mismatch(FindingKinds.Parameters, null, string.Join(", ", differing)));
        return found;
    }

    /// <summary>True when the broker's instance shows nothing that contradicts <paramref name="expected"/>.</summary>
    public static bool Matches(BrokerInstanceView seen, ExpectedInstance expected) =>
        (seen.PlanId is null || seen.PlanId == expected.PlanOsbId) && DifferingParameters(expected.Parameters, seen.Parameters).Count == 0;

    /// <summary>The names of the parameters the broker returned whose values differ from the platform's (a missing one included).</summary>
    public static IReadOnlyList<string> DifferingParameters(JsonObject expected, JsonObject? broker) =>
        broker is null ? [] : broker.Where(p => !JsonNode.DeepEquals(p.Value, expected[p.Key])).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>What the broker holds, for the vendor's and the platform's timeline: plan, dashboard and the names of the parameters (values may be secret).</summary>
    public static string Describe(FetchedInstance fetched) => fetched switch
    {
        { Outcome: FetchOutcome.Found, Instance: { } i } =>
            $"Anbieter meldet: Tarif {i.PlanId ?? "–"}, Dashboard {i.DashboardUrl ?? "–"}, Parameter {(i.Parameters is null ? "nicht mitgeteilt" : string.Join(", ", i.Parameters.Select(p => p.Key).Order(StringComparer.Ordinal)))}",
        { Outcome: FetchOutcome.Missing } => "Anbieter meldet: keine solche Instanz (404)",
        { Outcome: FetchOutcome.Busy } => "Anbieter meldet: Instanz wird gerade geändert (422 ConcurrencyError)",
        _ => $"Abruf der Instanz ohne klare Antwort: {fetched.Detail}",
    };
}
