using Marketplace.Conformance.Standards;

namespace Marketplace.Web.Pages;

/// <summary>Conformance criteria as people know them ("BITV 2.0 2019: Prüfbericht …"), for pages that list checks and evidence.</summary>
public sealed class CriterionNames(IReadOnlyDictionary<(string Standard, string Version, string Criterion), string> names)
{
    public static async Task<CriterionNames> LoadAsync(StandardsRegistry standards, CancellationToken ct = default) => From(await standards.ListAsync(ct));

    public static CriterionNames From(IEnumerable<StandardInfo> standards) =>
        new(standards
            .SelectMany(s => s.Versions.SelectMany(v => v.Criteria.Select(c => (Key: (s.Id, v.Version, c.Id), Label: $"{s.Name} {v.Version}: {c.Title}"))))
            .ToDictionary(x => x.Key, x => x.Label));

    /// <summary>The criterion's name; its ids only when the registry does not know it.</summary>
    public string Of(string standardId, string version, string criterionId) =>
        names.TryGetValue((standardId, version, criterionId), out var name) ? name : $"{standardId} {version} / {criterionId}";
}
