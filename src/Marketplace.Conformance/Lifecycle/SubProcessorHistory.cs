using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Residency;
using Marketplace.Storage;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>The history of an offering's sub-processors, read from its published versions, measured against the clock.</summary>
public sealed class SubProcessorHistory(Database database, TimeProvider clock) : ISubProcessorHistory
{
    // Property-mapped: the version is a 64-bit integer on SQLite and a 32-bit one elsewhere.
    private sealed class Row
    {
        public int Version { get; init; }
        public DateTimeOffset PublishedAt { get; init; }
        public string DocumentJson { get; init; } = "";
    }

    public async Task<SubProcessorStatus> ForOfferingAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(ConformanceSql.SubProcessorPublishedVersions, new { id = offeringId }, cancellationToken: ct));
        var now = clock.GetUtcNow();
        var changes = new List<SubProcessorChange>();
        HostingDescriptor? previous = null;
        IReadOnlyList<SubProcessorDescriptor> inForce = [];
        foreach (var row in rows)
        {
            var hosting = JsonSerializer.Deserialize<OfferingDescriptor>(row.DocumentJson, DescriptorJson.Options)!.Hosting;
            var current = hosting.SubProcessorList;
            if (previous is null)
            {
                // The first publication is what the municipality agreed to when it ordered: in force at once.
                inForce = current;
            }
            else
            {
                var added = current.Except(previous.SubProcessorList).ToList();
                var removed = previous.SubProcessorList.Except(current).ToList();
                if (added.Count + removed.Count > 0)
                {
                    var days = ISubProcessorHistory.ObjectionPeriod(previous.ObjectionPeriodDays, hosting.ObjectionPeriodDays);
                    var effective = row.PublishedAt.AddDays(days);
                    var pending = effective > now;
                    changes.Add(new SubProcessorChange(row.Version, row.PublishedAt, added, removed, days, effective, pending));
                    if (!pending) inForce = current;
                }
            }
            previous = hosting;
        }
        changes.Reverse();
        return new SubProcessorStatus(inForce, changes.Where(ch => ch.Pending).ToList(), changes);
    }

    public async Task<JsonObject?> HostingOfVersionAsync(DbConnection c, DbTransaction? tx, string offeringId, int version) =>
        await c.ExecuteScalarAsync<string?>(ConformanceSql.VersionDocument, new { id = offeringId, version }, tx) is { } json
            ? JsonNode.Parse(json)?["hosting"] as JsonObject : null;
}
