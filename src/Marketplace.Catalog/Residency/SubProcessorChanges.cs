using System.Data.Common;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Descriptors;

namespace Marketplace.Catalog.Residency;

/// <summary>
/// One change of an offering's sub-processors: the published version that made it, when, what was added and removed, the
/// objection period that applies and the moment the change takes effect (publication plus that period).
/// </summary>
public sealed record SubProcessorChange(int Version, DateTimeOffset PublishedAt, IReadOnlyList<SubProcessorDescriptor> Added,
    IReadOnlyList<SubProcessorDescriptor> Removed, int ObjectionPeriodDays, DateTimeOffset EffectiveAt, bool Pending)
{
    /// <summary>The day the change takes effect (yyyy-MM-dd, UTC).</summary>
    public string EffectiveFrom => EffectiveAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// An offering's sub-processors as they stand today: the list in force, the changes announced but not yet in force
/// (a municipality may still object to them), and the whole history, newest change first.
/// </summary>
public sealed record SubProcessorStatus(IReadOnlyList<SubProcessorDescriptor> InForce, IReadOnlyList<SubProcessorChange> Pending,
    IReadOnlyList<SubProcessorChange> History)
{
    public static readonly SubProcessorStatus Empty = new([], [], []);
}

/// <summary>
/// Reads an offering's sub-processor history from its published versions (the lifecycle owns them). A change applies only
/// once its objection period is over; until then the previous list stays in force.
/// </summary>
public interface ISubProcessorHistory
{
    Task<SubProcessorStatus> ForOfferingAsync(string offeringId, CancellationToken ct = default);

    /// <summary>
    /// The hosting section of one version of the offering as its descriptor states it (JSON), read on the caller's
    /// connection and inside its transaction; null for an unknown version or one without hosting.
    /// </summary>
    Task<JsonObject?> HostingOfVersionAsync(DbConnection c, DbTransaction? tx, string offeringId, int version);

    /// <summary>
    /// The objection period that applies to a change: the longer of the one the agreement in force states and the one the
    /// new version states, so that a vendor cannot shorten the period by the very change it announces.
    /// </summary>
    public static int ObjectionPeriod(int? inForce, int? announced) => Math.Max(inForce ?? 0, announced ?? 0);
}
