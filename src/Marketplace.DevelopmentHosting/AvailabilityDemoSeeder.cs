using System.Globalization;
using Dapper;
using Marketplace.Catalog.Search;
using Marketplace.SampleBroker;
using Marketplace.Storage;

namespace Marketplace.DevelopmentHosting;

/// <summary>
/// Demo data only (runs with the demo accounts, never in production): 90 days of probe history for every catalogue
/// offering with a status URL, drawn from the sample broker's deterministic status profiles (<see cref="SampleStatus"/>),
/// so a newcomer sees different 30- and 90-day figures at once; the live prober continues from today. Seeds nothing
/// once any history exists.
/// </summary>
internal sealed class AvailabilityDemoSeeder(Database database, CatalogSearchService catalogue, TimeProvider clock) : Marketplace.Identity.IDemoDataSeeder
{
    public const int Days = 90;

    public async Task SeedAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM availability_days", cancellationToken: ct)) > 0) return;
        await catalogue.RefreshAsync(ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var rows = new List<object?[]>();
        foreach (var offering in catalogue.Current.Catalog.Offerings.Where(o => o.Descriptor.Sla.StatusUrl is not null))
            for (var d = today.AddDays(-Days); d < today; d = d.AddDays(1))
            {
                var (probes, up) = Day(offering.Descriptor.Id, d);
                rows.Add([offering.Descriptor.Id, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), probes, up]);
            }
        await using var tx = await c.BeginTransactionAsync(ct);
        await MultiRowInsert.ExecuteAsync(c, tx, "availability_days", ["offering_id", "day", "probes", "up_probes"], rows);
        await tx.CommitAsync(ct);
    }

    /// <summary>One probe per five-minute slot of the day, up or down as the sample broker's status page answers then.</summary>
    internal static (int Probes, int Up) Day(string offeringId, DateOnly day)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var slots = (int)(TimeSpan.FromDays(1) / SampleStatus.Slot);
        var up = 0;
        for (var i = 0; i < slots; i++)
            if (SampleStatus.IsUp(offeringId, start + SampleStatus.Slot * i)) up++;
        return (slots, up);
    }
}
