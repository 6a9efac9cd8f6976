using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;

namespace Marketplace.Conformance.Standards;

/// <summary>One criterion of a standard version: automated (with its check) or attested (with the evidence it asks for).</summary>
public sealed record CriterionInfo(string Id, string Title, string Description, string Kind, JsonObject? Check, JsonObject? Evidence)
{
    public bool IsAutomated => Kind == "automated";
    public string? CheckType => Check?["type"]?.GetValue<string>();
    public int ValidityMonths => Evidence?["validityMonths"]?.GetValue<int>() ?? 12;
    public string EvidenceType => Evidence?["type"]?.GetValue<string>() ?? "report";
}

/// <summary>One version of a standard: when it took effect, how long the previous version stays accepted, its criteria.</summary>
public sealed record StandardVersionInfo(string StandardId, string Version, DateOnly PublishedOn, int GracePeriodDays, IReadOnlyList<CriterionInfo> Criteria)
{
    /// <summary>The first day older versions are no longer accepted.</summary>
    public DateOnly GraceEndsOn => PublishedOn.AddDays(GracePeriodDays);
}

/// <summary>A standard with its name and versions, oldest first.</summary>
public sealed record StandardInfo(string Id, string Name, IReadOnlyList<StandardVersionInfo> Versions)
{
    public StandardVersionInfo? Version(string version) => Versions.FirstOrDefault(v => v.Version == version);

    /// <summary>The newest version in force on a day (published on or before it); the oldest if none is yet.</summary>
    public StandardVersionInfo InForce(DateOnly day) => Versions.LastOrDefault(v => v.PublishedOn <= day) ?? Versions[0];
}

/// <summary>A standard the platform requires, and why (the policy's reason).</summary>
public sealed record RequiredStandard(string Scope, string ScopeId, string StandardId, string Reason);

/// <summary>
/// The standards with their versions and criteria, the conformance policy, and the Themenfeld of every Leistung,
/// read once per unit of work: what evaluating an offering needs besides the offering itself.
/// </summary>
public sealed class StandardsSnapshot
{
    public required IReadOnlyDictionary<string, StandardInfo> Standards { get; init; }
    public required IReadOnlyList<RequiredStandard> Policy { get; init; }
    public required IReadOnlyDictionary<string, string> ThemenfeldOfLeistung { get; init; }

    /// <summary>The standards the policy requires of an offering: of all offerings, of its Themenfelder, of its Leistungen.</summary>
    public const string OpenServiceBroker = "open-service-broker";

    /// <summary>
    /// The standards required of the offering, with why. <paramref name="liveChecked"/>: the version went through submission,
    /// where the live checks run; a version imported from catalog/ has had no live check, so its broker is not required here.
    /// </summary>
    public IReadOnlyDictionary<string, string> RequiredOf(OfferingDescriptor o, bool liveChecked = true)
    {
        var themenfelder = o.Leistungen.Select(l => ThemenfeldOfLeistung.GetValueOrDefault(l)).Where(t => t is not null).ToHashSet();
        var result = new Dictionary<string, string>();
        foreach (var r in Policy)
        {
            var applies = r.Scope switch
            {
                PolicyScopes.All => true,
                PolicyScopes.Themenfeld => themenfelder.Contains(r.ScopeId),
                PolicyScopes.Leistung => o.Leistungen.Contains(r.ScopeId),
                _ => false,
            };
            if (applies) result.TryAdd(r.StandardId, r.Reason);
        }
        // Orders of an osb offering go to its broker: a broker that fails the check would fail every order.
        if (liveChecked && o.Provisioning.Type == "osb" && Standards.ContainsKey(OpenServiceBroker))
            result.TryAdd(OpenServiceBroker, "Angebote mit provisioning.type 'osb' werden über den Broker des Anbieters bereitgestellt");
        return result;
    }

    public static async Task<StandardsSnapshot> LoadAsync(StandardRecords records, DbConnection c, DbTransaction? tx)
    {
        var criteria = (await records.CriteriaAsync(c, tx))
            .ToLookup(r => (r.StandardId, r.Version), r =>
            {
                var definition = JsonNode.Parse(r.DefinitionJson) as JsonObject;
                return new CriterionInfo(r.CriterionId, r.Title, r.Description, r.Kind, definition?["check"] as JsonObject, definition?["evidence"] as JsonObject);
            });
        var versions = (await records.VersionsAsync(c, tx))
            .Select(v => new StandardVersionInfo(v.StandardId, v.Version, DateOnly.ParseExact(v.PublishedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                v.GracePeriodDays, criteria[(v.StandardId, v.Version)].ToList()))
            .ToLookup(v => v.StandardId);
        var standards = (await records.StandardsAsync(c, tx))
            .ToDictionary(s => s.Id, s => new StandardInfo(s.Id, s.Name,
                versions[s.Id].OrderBy(v => v.PublishedOn).ThenBy(v => v.Version, StringComparer.Ordinal).ToList()));
        var policy = (await c.QueryAsync<RequiredStandard>(ConformanceSql.Policy, transaction: tx)).ToList();
        var themenfelder = await records.ThemenfeldOfLeistungenAsync(c, tx);
        return new StandardsSnapshot { Standards = standards, Policy = policy, ThemenfeldOfLeistung = themenfelder };
    }
}

/// <summary>Where a policy rule applies: to every offering, to the offerings of a Themenfeld, or of a Leistung.</summary>
public static class PolicyScopes
{
    public const string All = "all";
    public const string Themenfeld = "themenfeld";
    public const string Leistung = "leistung";
}
