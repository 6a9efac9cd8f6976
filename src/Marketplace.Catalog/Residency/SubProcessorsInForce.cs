using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.Residency;

/// <summary>
/// What the public views of an offering show as its sub-processors: the list in force today, not the newest published
/// version's while its change is still within the objection period; the announced changes are shown beside it.
/// </summary>
public static class SubProcessorsInForce
{
    /// <summary>The hosting with the sub-processors in force; unchanged when no change is pending (the newest list is then the one in force).</summary>
    public static HostingDescriptor Of(HostingDescriptor hosting, SubProcessorStatus status) =>
        status.Pending.Count == 0 ? hosting : hosting with { SubProcessors = status.InForce };

    /// <summary>The offering with the sub-processors in force and the pending changes; unchanged without a history (a host without the lifecycle).</summary>
    public static async Task<OfferingDetail> ApplyAsync(ISubProcessorHistory? history, OfferingDetail detail, CancellationToken ct)
    {
        if (history is null) return detail;
        var status = await history.ForOfferingAsync(detail.Id, ct);
        return detail with { Hosting = Of(detail.Hosting, status), PendingSubProcessorChanges = status.Pending };
    }

    /// <summary>Every compared offering with its sub-processors in force and its pending changes.</summary>
    public static async Task<LeistungComparison> ApplyAsync(ISubProcessorHistory? history, LeistungComparison comparison, CancellationToken ct)
    {
        if (history is null) return comparison;
        var rows = new List<ComparisonRow>(comparison.Offerings.Count);
        foreach (var row in comparison.Offerings)
        {
            var status = await history.ForOfferingAsync(row.Offering.Id, ct);
            rows.Add(row with { Hosting = Of(row.Hosting, status), PendingSubProcessorChanges = status.Pending });
        }
        return comparison with { Offerings = rows };
    }

    /// <summary>
    /// What the answer's validator must include besides the catalogue revision: a change coming into force alters the
    /// answer without a new revision.
    /// </summary>
    public static string Revision(IEnumerable<IReadOnlyList<SubProcessorChange>> pending) =>
        "|sp:" + string.Join(";", pending.Select(p => string.Join(",", p.Select(c => c.Version))));
}
