using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;

namespace Marketplace.Bench;

/// <summary>Prints recall@10 and MRR of the seed catalogue's search on the judged set from ../shared/data, and the queries that miss.</summary>
public static class RelevanceCommand
{
    public static int Run(BenchOptions options, bool verbose)
    {
        var catalogFolder = Path.Combine(options.RepoRoot, "catalog");
        var model = SnapshotReadModel.Build(CatalogLoader.Load(catalogFolder).Snapshot!, SnapshotReadModel.Checked);
        using var index = new CatalogSearchIndex(model, GermanSearchAnalyzer.FromCatalogFolder(catalogFolder));
        var judged = SearchRelevance.JudgedSet(model, Path.GetFullPath(Path.Combine(options.RepoRoot, "..", "shared", "data")),
            Path.Combine(catalogFolder, "search", "judged-queries.txt"));
        var report = SearchRelevance.Evaluate(index, judged);
        foreach (var line in report.Lines()) Console.WriteLine(line);
        if (verbose)
            foreach (var o in report.Outcomes.Where(o => o.RecallAt10 < 1).OrderBy(o => o.RecallAt10).ThenBy(o => o.Query.Query, StringComparer.Ordinal))
                Console.WriteLine($"  miss {o.Query.Source,-10} {o.Query.OzgId} recall {o.RecallAt10:F2} rank {o.FirstRelevantRank,2} total {o.Total,3}  {o.Query.Query}");
        return 0;
    }
}
