using Marketplace.Catalog.Queries;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Holds the search index of the newest catalogue revision. Every instance checks the revision in the
/// database and rebuilds when it moved, so instances behind a load balancer converge without talking to each other.
/// </summary>
public sealed class CatalogSearchService(CatalogRepository repository, IOptions<CatalogOptions> options, ILogger<CatalogSearchService> logger)
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly Lazy<GermanSearchAnalyzer> _analyzer = new(() => GermanSearchAnalyzer.FromCatalogFolder(options.Value.Path));
    private volatile CatalogSearchIndex? _current;

    // Observed at scrape time: which catalogue revision this instance serves, and how many offerings.
    private readonly System.Diagnostics.Metrics.ObservableGauge<long> _revisionGauge = Storage.PlatformTelemetry.Meter.CreateObservableGauge(
        "marketplace.catalog.revision", () => Volatile.Read(ref _servedRevision), description: "Catalogue revision this instance's search index serves");
    private static long _servedRevision = -1;

    public bool IsReady => _current is not null;

    public CatalogSearchIndex Current => _current ?? throw new InvalidOperationException("The catalogue index is not built yet.");

    /// <summary>Rebuilds the index if the catalogue revision in the database differs from the one served.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var revision = await repository.RevisionAsync(ct);
        if (_current?.Revision == revision) return;
        await _building.WaitAsync(ct);
        try
        {
            if (_current?.Revision == revision) return;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var catalog = await repository.LoadAsync(ct);
            var index = new CatalogSearchIndex(catalog, _analyzer.Value);
            // The old index is not disposed: searches in flight may still read it; the GC reclaims it.
            _current = index;
            Volatile.Write(ref _servedRevision, catalog.Revision);
            logger.LogInformation("Catalogue index built for revision {Revision}: {Offerings} offerings in {Elapsed} ms",
                catalog.Revision, index.Count, (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _building.Release();
        }
    }
}

/// <summary>Keeps this instance's index in step with the database.</summary>
public sealed class CatalogIndexRefresher(CatalogSearchService search, IOptions<CatalogOptions> options, ILogger<CatalogIndexRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        do
        {
            try
            {
                await search.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Catalogue index refresh failed; serving the previous revision");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
