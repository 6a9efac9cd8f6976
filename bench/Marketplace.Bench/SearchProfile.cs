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
        var leistungen = snapshot.Leistungen.ToDictionary(l => l.Value.OzgId, l => new LeistungInfo(l.Value.OzgId, l.Value.Name, l.Value.NameEn,
            l.Value.Themenfeld, l.Value.Lebenslagen, l.Value.LeikaKeys, l.Value.Description));
        var vendors = snapshot.Vendors.ToDictionary(v => v.Value.Id, v => new NamedItem(v.Value.Id, v.Value.Name, v.Value.Name));
        var model = new CatalogReadModel
        {
            Revision = 1,
            Offerings = snapshot.Offerings.Select(o => new CatalogOffering(o.Value, vendors[o.Value.Vendor].Name, SearchBenchmark.CheckedListing(o.Value))).ToList(),
            Leistungen = leistungen,
            LeikaToOzg = leistungen.Values.SelectMany(l => l.LeikaKeys.Select(k => (k, l.OzgId))).ToDictionary(p => p.k, p => p.OzgId),
            Themenfelder = snapshot.Themenfelder.ToDictionary(t => t.Value.Id, t => new NamedItem(t.Value.Id, t.Value.Name, t.Value.NameEn)),
            Lebenslagen = snapshot.Lebenslagen.ToDictionary(l => l.Value.Id, l => (new NamedItem(l.Value.Id, l.Value.Name, l.Value.NameEn), l.Value.Themenfeld)),
            Vendors = vendors,
            Standards = snapshot.Standards.ToDictionary(s => s.Value.Id, s => new NamedItem(s.Value.Id, s.Value.Name, s.Value.NameEn)),
            Laender = snapshot.Laender.Select(l => new LandInfo(l.Value.Code, l.Value.Abbreviation, l.Value.Name, l.Value.NameEn)).ToList(),
            Bundles = [],
        };
        var build = Stopwatch.StartNew();
        using var index = new CatalogSearchIndex(model, GermanSearchAnalyzer.FromDictionaryFile(Path.Combine(options.RepoRoot, "catalog", "search", "decompound-de.txt")));
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
