using System.Text.Json;
using Dapper;
using Marketplace.Catalog.Availability;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Conformance.Lifecycle;

/// <summary>The service levels an offering promised, read from its published versions (a published version is never rewritten).</summary>
public sealed class SlaHistory(Database database) : ISlaHistory
{
    // Property-mapped: the version is a 64-bit integer on SQLite and a 32-bit one elsewhere.
    private sealed class Row
    {
        public int Version { get; init; }
        public DateTimeOffset PublishedAt { get; init; }
        public string DocumentJson { get; init; } = "";
    }

    public async Task<IReadOnlyList<PublishedSla>> PublishedAsync(string offeringId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(ConformanceSql.SlaPublishedVersions, new { id = offeringId }, cancellationToken: ct));
        return rows.Select(r => new PublishedSla(r.Version, r.PublishedAt, JsonSerializer.Deserialize<OfferingDescriptor>(r.DocumentJson, DescriptorJson.Options)!.Sla))
            .ToList();
    }
}

/// <summary>The availability part of the imported conformance policy (table conformance_availability_policy, written by the catalogue import).</summary>
public sealed class AvailabilityPolicyStore(Database database) : IAvailabilityPolicy
{
    internal sealed class Row
    {
        public long BreachIsFinding { get; init; }
        public string? Reason { get; init; }
        public AvailabilityPolicy ToPolicy() => new(BreachIsFinding != 0, Reason);
    }

    public async Task<AvailabilityPolicy> CurrentAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(ConformanceSql.AvailabilityPolicy, cancellationToken: ct));
        return row?.ToPolicy() ?? AvailabilityPolicy.None;
    }
}
