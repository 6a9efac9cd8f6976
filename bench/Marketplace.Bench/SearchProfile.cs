using System.Diagnostics;
using System.Text.Json;
using Marketplace.Catalog.Api;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;

namespace Marketplace.Bench;

/// <summary>
/// In-process split of one search into its parts (search with facets, JSON), without HTTP, to see where the time goes.
/// </summary>
public static class SearchProfile
{
    public static int Run(BenchOptions options)
    {
        var seed = CatalogLoader.Load(Path.Combine(options.RepoRoot, "catalog")).Snapshot!;
        var snapshot = SearchBenchmark.Generate(seed, options.Offerings);
        var model = SnapshotReadModel.Build(snapshot, SearchBenchmark.CheckedListing);
        var build = Stopwatch.StartNew();
        using var index = new CatalogSearchIndex(model, GermanSearchAnalyzer.FromCatalogFolder(Path.Combine(options.RepoRoot, "catalog")));
        Console.WriteLine($"index of {index.Count:N0} offerings built in {build.ElapsedMilliseconds} ms");

        var requests = SearchBenchmark.Paths().Select(p => SearchQueryParser.Parse(
            new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(p[p.IndexOf('?')..]))).Request!).ToList();
        const int rounds = 20;
        foreach (var r in requests) index.Search(r); // warm up
        var search = Stopwatch.StartNew();
        var results = new List<SearchResult>();
        for (var k = 0; k < rounds; k++) foreach (var r in requests) results.Add(index.Search(r));
        search.Stop();
        var json = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var result in results) bytes += JsonSerializer.SerializeToUtf8Bytes(result, CatalogJsonContext.Default.SearchResult).Length;
        json.Stop();
        var count = rounds * requests.Count;
        long itemBytes = 0, facetBytes = 0;
        foreach (var result in results.Take(requests.Count))
        {
            itemBytes += JsonSerializer.SerializeToUtf8Bytes(result with { Facets = new Dictionary<string, IReadOnlyList<FacetValue>>() }, CatalogJsonContext.Default.SearchResult).Length;
            facetBytes += JsonSerializer.SerializeToUtf8Bytes(result with { Items = [] }, CatalogJsonContext.Default.SearchResult).Length;
        }
        Console.WriteLine($"answer without facets {itemBytes / requests.Count:N0} bytes, without items {facetBytes / requests.Count:N0} bytes (average)");
        Console.WriteLine($"search with facets: {search.Elapsed.TotalMicroseconds / count:N0} µs per request");
        Console.WriteLine($"JSON:               {json.Elapsed.TotalMicroseconds / count:N0} µs per request ({bytes / count:N0} bytes)");
        foreach (var r in requests.Where((_, i) => i % 8 == 0))
        {
            var sw = Stopwatch.StartNew();
            for (var k = 0; k < rounds; k++) index.Search(r);
            Console.WriteLine($"  q='{r.Q}' filters={r.Filters.Count}: {sw.Elapsed.TotalMicroseconds / rounds:N0} µs");
        }
        return 0;
    }
}
