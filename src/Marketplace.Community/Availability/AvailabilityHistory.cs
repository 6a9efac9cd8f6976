using System.Globalization;
using Dapper;
using Marketplace.Storage;

namespace Marketplace.Community.Availability;

/// <summary>One offering's probe counts of one day, as the daily totals keep them.</summary>
public sealed record AvailabilityDay(string OfferingId, DateOnly Day, int Probes, int UpProbes);

/// <summary>The daily probe totals as a whole: whether any exist, and writing a history measured elsewhere (the demo's).</summary>
public sealed class AvailabilityHistory(Database database)
{
    public async Task<bool> IsEmptyAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(AvailabilitySql.DayCount, cancellationToken: ct)) == 0;
    }

    /// <summary>Writes the days in one transaction; a day already counted is an error (the history is written once, before probing).</summary>
    public async Task ImportAsync(IEnumerable<AvailabilityDay> days, CancellationToken ct = default)
    {
        var rows = days.Select(d => new object?[] { d.OfferingId, d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Probes, d.UpProbes }).ToList();
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await MultiRowInsert.ExecuteAsync(c, tx, "availability_days", ["offering_id", "day", "probes", "up_probes"], rows);
        await tx.CommitAsync(ct);
    }
}
