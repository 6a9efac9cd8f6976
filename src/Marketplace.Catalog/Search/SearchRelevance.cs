using System.Globalization;
using CsvHelper;
using Marketplace.Catalog.Queries;

namespace Marketplace.Catalog.Search;

/// <summary>One judged query: what a buyer types, where the query comes from, and the offerings that answer it.</summary>
public sealed record JudgedQuery(string Query, string Source, string OzgId, IReadOnlySet<string> Relevant);

/// <summary>The outcome of one judged query: the rank of the first relevant offering (0: none in the top 10) and recall@10.</summary>
public sealed record JudgedOutcome(JudgedQuery Query, int FirstRelevantRank, double RecallAt10, int Total);

/// <summary>Recall@10 and mean reciprocal rank over a judged set, overall and per source of query.</summary>
public sealed record RelevanceReport(IReadOnlyList<JudgedOutcome> Outcomes)
{
    public double RecallAt10 => Outcomes.Average(o => o.RecallAt10);
    public double Mrr => Outcomes.Average(o => o.FirstRelevantRank == 0 ? 0 : 1.0 / o.FirstRelevantRank);
    public int ZeroResults => Outcomes.Count(o => o.Total == 0);

    public IEnumerable<string> Lines()
    {
        yield return $"{Outcomes.Count} judged queries: recall@10 {RecallAt10:F3}, MRR {Mrr:F3}, {ZeroResults} without any result";
        foreach (var g in Outcomes.GroupBy(o => o.Query.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var part = new RelevanceReport(g.ToList());
            yield return $"  {g.Key,-10} {part.Outcomes.Count,4} queries: recall@10 {part.RecallAt10:F3}, MRR {part.Mrr:F3}, {part.ZeroResults} without any result";
        }
    }
}

/// <summary>
/// Measures how good the catalogue search is on real queries. The judged set comes from the OZG and LeiKa reference data
/// (../shared/data): for every Leistung the catalogue offers, its OZG name, up to <see cref="LeikaNamesPerLeistung"/> of its
/// LeiKa names and a few phrasings a buyer would type are queries, and the offerings for that Leistung are the relevant answers.
/// Hand-written phrasings (colloquial words, verbs) come from a file with one "query | OZG id" a line.
/// </summary>
public static class SearchRelevance
{
    public const int LeikaNamesPerLeistung = 8;
    public const int Depth = 10;

    public static IReadOnlyList<JudgedQuery> JudgedSet(CatalogReadModel catalog, string sharedDataFolder, string? phrasingsFile)
    {
        var relevant = catalog.Offerings
            .SelectMany(o => o.Descriptor.Leistungen.Select(l => (Leistung: l, o.Descriptor.Id)))
            .GroupBy(p => p.Leistung)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(p => p.Id).ToHashSet(StringComparer.Ordinal));
        var ozgNames = ReadCsv(Path.Combine(sharedDataFolder, "ozg_leistungen.csv"))
            .ToDictionary(r => r["ozg_id"], r => r["ozg_leistung"]);
        var leika = ReadCsv(Path.Combine(sharedDataFolder, "leika_leistungen.csv"))
            .Select(r => (Key: r["leistungsschluessel"], Name: r["bezeichnung"], OzgId: r["ozg_id"]))
            .ToLookup(r => r.OzgId);

        var judged = new List<JudgedQuery>();
        var seen = new HashSet<(string, string)>();
        void Add(string query, string source, string ozgId)
        {
            query = query.Trim();
            if (query.Length > 0 && seen.Add((query.ToLowerInvariant(), ozgId))) judged.Add(new JudgedQuery(query, source, ozgId, relevant[ozgId]));
        }
        foreach (var ozgId in relevant.Keys.Order(StringComparer.Ordinal))
        {
            if (!catalog.Leistungen.TryGetValue(ozgId, out var leistung)) continue;
            var name = ozgNames.GetValueOrDefault(ozgId, leistung.Name);
            Add(name, "ozg", ozgId);
            // The LeiKa names of the keys the catalogue lists first: they are the Leistung's core; then the others by key.
            var keys = leistung.LeikaKeys.ToHashSet(StringComparer.Ordinal);
            foreach (var l in leika[ozgId].OrderBy(l => keys.Contains(l.Key) ? 0 : 1).ThenBy(l => l.Key, StringComparer.Ordinal)
                         .Select(l => l.Name).Distinct(StringComparer.OrdinalIgnoreCase).Take(LeikaNamesPerLeistung))
                Add(l, "leika", ozgId);
            // What a buyer types: the name in lower case with a verb, and the first word of the name alone with "online".
            Add(name.ToLowerInvariant() + " beantragen", "phrasing", ozgId);
            Add(name.Split([' ', ',', '/', '-'], StringSplitOptions.RemoveEmptyEntries)[0] + " online", "phrasing", ozgId);
        }
        if (phrasingsFile is not null && File.Exists(phrasingsFile))
            foreach (var line in File.ReadLines(phrasingsFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var parts = line.Split('|', StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !relevant.ContainsKey(parts[1]))
                    throw new FormatException($"{phrasingsFile}: '{line}' is not 'query | OZG id of a Leistung with offerings'");
                Add(parts[0], "colloquial", parts[1]);
            }
        return judged;
    }

    /// <summary>Runs every judged query as a buyer would (default filters, relevance order) and scores the first <see cref="Depth"/> results.</summary>
    public static RelevanceReport Evaluate(CatalogSearchIndex index, IReadOnlyList<JudgedQuery> judged)
    {
        var outcomes = new List<JudgedOutcome>(judged.Count);
        foreach (var j in judged)
        {
            var result = index.Search(new SearchRequest(j.Query, new Dictionary<string, IReadOnlyList<string>>(), SortOrders.Relevance, 1, Depth));
            var rank = 0;
            var found = 0;
            for (var i = 0; i < result.Items.Count; i++)
            {
                if (!j.Relevant.Contains(result.Items[i].Id)) continue;
                found++;
                if (rank == 0) rank = i + 1;
            }
            outcomes.Add(new JudgedOutcome(j, rank, (double)found / Math.Min(j.Relevant.Count, Depth), result.Total));
        }
        return new RelevanceReport(outcomes);
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
            rows.Add(header.Select((h, i) => (h, v: csv.GetField(i) ?? "")).ToDictionary(p => p.h, p => p.v, StringComparer.Ordinal));
        return rows;
    }
}
