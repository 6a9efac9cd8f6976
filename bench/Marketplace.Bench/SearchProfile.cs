using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Marketplace.Catalog.Api;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.Bench;

/// <summary>
/// In-process split of a search into its parts, without HTTP, for the fixed and the realistic mix: reading the query string,
/// analysing the text, Lucene matching and scoring, filters and facet counts, the page, the cards, the lean answer and its JSON;
/// with the bytes allocated per search and the answer sizes raw, gzip and Brotli.
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
        Console.WriteLine($"index of {index.Count:N0} offerings built in {build.ElapsedMilliseconds} ms; load average {SearchBenchmark.LoadAverage()}");
        var ozgIds = seed.Leistungen.Select(l => l.Value.OzgId).ToHashSet();
        Profile(index, "fixed mix", SearchBenchmark.Paths(), rounds: 40);
        Profile(index, "realistic mix", SearchBenchmark.RealisticPaths(options.RepoRoot, ozgIds), rounds: 40);
        Console.WriteLine($"load average {SearchBenchmark.LoadAverage()}");
        return 0;
    }

    private static void Profile(CatalogSearchIndex index, string name, List<string> paths, int rounds)
    {
        foreach (var p in paths) Answer(index, p); // warm up

        var timings = new SearchTimings();
        long parse = 0, json = 0, bytes = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        var bestRound = long.MaxValue; // on a busy machine the parts' sums include waits; the fastest round has the fewest
        for (var k = 0; k < rounds; k++)
        {
            var round = Stopwatch.GetTimestamp();
            foreach (var p in paths)
            {
                var t = Stopwatch.GetTimestamp();
                var parsed = Parse(p);
                parse += Stopwatch.GetTimestamp() - t;
                var result = index.Search(parsed.Request!, RatingSnapshot.Empty, timings, SearchViews.Card);
                t = Stopwatch.GetTimestamp();
                buffer.ResetWrittenCount();
                SearchResponseCache.Write(buffer, index, result, SearchViews.Card);
                json += Stopwatch.GetTimestamp() - t;
                bytes += buffer.WrittenCount;
            }
            bestRound = Math.Min(bestRound, Stopwatch.GetTimestamp() - round);
        }
        var count = rounds * paths.Count;
        var perSearch = (GC.GetAllocatedBytesForCurrentThread() - allocated) / count;
        double Us(long ticks) => SearchTimings.Microseconds(ticks, count);
        var total = parse + timings.Analysis + timings.Scoring + timings.Facets + timings.Paging + timings.Cards + json;
        Console.WriteLine($"{name}: {paths.Count:N0} distinct searches × {rounds}; per search (µs):");
        foreach (var (part, ticks) in new[] { ("query string", parse), ("text analysis + query", timings.Analysis), ("Lucene match + score", timings.Scoring),
                     ("filters + facet counts", timings.Facets), ("sort + page", timings.Paging), ("cards", timings.Cards), ("lean answer as JSON", json) })
            Console.WriteLine($"  {part,-24} {Us(ticks),8:N1}  {100.0 * ticks / total,5:N1} %");
        Console.WriteLine($"  {"total",-24} {Us(total),8:N1}   allocated {perSearch:N0} bytes per search");
        Console.WriteLine($"  {"best of " + rounds + " rounds",-24} {SearchTimings.Microseconds(bestRound, paths.Count),8:N1}");
        var answers = paths.Select(p => Answer(index, p)).ToList();
        var (raw, gzip, brotli) = Sizes(answers);
        // The digest of the parsed answers shows whether a change to the search path changed any answer of the mix.
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join("\n", answers.Select(a => Canonical(JsonDocument.Parse(a).RootElement))))))[..16];
        Console.WriteLine($"  answer: {raw:N0} bytes raw, {gzip:N0} gzip, {brotli:N0} Brotli (average); digest of the answers {digest}");
    }

    private static byte[] Answer(CatalogSearchIndex index, string path) =>
        SearchResponseCache.Serialize(index, index.Search(Parse(path).Request!, RatingSnapshot.Empty, view: SearchViews.Card), SearchViews.Card);

    private static ParsedSearchQuery Parse(string path) =>
        SearchQueryParser.Parse(new Microsoft.AspNetCore.Http.QueryCollection(QueryHelpers.ParseQuery(path[path.IndexOf('?')..])));

    /// <summary>A JSON value as text whatever the escaping of its strings.</summary>
    private static string Canonical(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => p.Name + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Canonical)) + "]",
        JsonValueKind.String => "\"" + e.GetString() + "\"",
        _ => e.GetRawText(),
    };

    /// <summary>Average sizes of answers as sent raw and compressed at the levels the host's response compression uses (fastest).</summary>
    public static (long Raw, long Gzip, long Brotli) Sizes(IReadOnlyList<byte[]> answers)
    {
        long raw = 0, gzip = 0, brotli = 0;
        foreach (var a in answers)
        {
            raw += a.Length;
            gzip += Compressed(a, s => new GZipStream(s, CompressionLevel.Fastest));
            brotli += Compressed(a, s => new BrotliStream(s, CompressionLevel.Fastest));
        }
        return (raw / answers.Count, gzip / answers.Count, brotli / answers.Count);
    }

    private static long Compressed(byte[] bytes, Func<Stream, Stream> compressor)
    {
        var target = new MemoryStream();
        using (var z = compressor(target)) z.Write(bytes);
        return target.ToArray().LongLength;

    }
}
