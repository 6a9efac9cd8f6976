using Marketplace.Catalog.Search;
using Marketplace.Community.Availability;
using Marketplace.SampleBroker;

namespace Marketplace.DevelopmentHosting;

/// <summary>
/// Demo data only (runs with the demo accounts, never in production): 90 days of probe history for every catalogue
/// offering with a status URL, drawn from the sample broker's deterministic status profiles (<see cref="SampleStatus"/>),
/// so a newcomer sees different 30- and 90-day figures at once; the live prober continues from today. Seeds nothing
/// once any history exists.
/// </summary>
internal sealed class AvailabilityDemoSeeder(AvailabilityHistory history, CatalogSearchService catalogue, TimeProvider clock) : Marketplace.Identity.IDemoDataSeeder
{
    public const int Days = 90;

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!await history.IsEmptyAsync(ct)) return;
        await catalogue.RefreshAsync(ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var days = new List<AvailabilityDay>();
        foreach (var offering in catalogue.Current.Catalog.Offerings.Where(o => o.Descriptor.Sla.StatusUrl is not null))
            for (var d = today.AddDays(-Days); d < today; d = d.AddDays(1))
            {
                var (probes, up) = Day(offering.Descriptor.Id, d);
                days.Add(new AvailabilityDay(offering.Descriptor.Id, d, probes, up));
            }
        await history.ImportAsync(days, ct);
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
