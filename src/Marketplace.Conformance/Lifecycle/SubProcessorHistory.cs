using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>
/// One change of an offering's sub-processors: the published version that made it, when, what was added and removed, and
/// from when it applies (publication plus the objection period the descriptor states).
/// </summary>
public sealed record SubProcessorChange(int Version, string PublishedAt, IReadOnlyList<SubProcessorDescriptor> Added,
    IReadOnlyList<SubProcessorDescriptor> Removed, int ObjectionPeriodDays, string EffectiveFrom);

/// <summary>The history of an offering's sub-processors, read from its published versions (newest change first).</summary>
public sealed class SubProcessorHistory(Database database)
{
    private const string PublishedVersions = """
        SELECT version AS Version, published_at AS PublishedAt, document_json AS DocumentJson
        FROM offering_versions WHERE offering_id = @id AND published_at IS NOT NULL ORDER BY version
        """;

    // Property-mapped: the version is a 64-bit integer on SQLite and a 32-bit one elsewhere.
    private sealed class Row
    {
        public int Version { get; init; }
        public string PublishedAt { get; init; } = "";
        public string DocumentJson { get; init; } = "";
    }

    public async Task<IReadOnlyList<SubProcessorChange>> ForOfferingAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(PublishedVersions, new { id = offeringId }, cancellationToken: ct));
        var changes = new List<SubProcessorChange>();
        IReadOnlyList<SubProcessorDescriptor>? previous = null;
        foreach (var row in rows)
        {
            var hosting = JsonSerializer.Deserialize<OfferingDescriptor>(row.DocumentJson, DescriptorJson.Options)!.Hosting;
            var current = hosting.SubProcessorList;
            if (previous is not null)
            {
                var added = current.Except(previous).ToList();
                var removed = previous.Except(current).ToList();
                if (added.Count + removed.Count > 0)
                {
                    var days = hosting.ObjectionPeriodDays ?? 0;
                    var effective = DateTimeOffset.Parse(row.PublishedAt, CultureInfo.InvariantCulture).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    changes.Add(new SubProcessorChange(row.Version, row.PublishedAt, added, removed, days, effective));
                }
            }
            previous = current;
        }
        changes.Reverse();
        return changes;
    }
}
