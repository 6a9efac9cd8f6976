using System.Text.Json;
using Marketplace.Catalog.Api;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The serialised answers of recent searches, keyed by catalogue revision and canonical query. Catalogue
/// traffic repeats itself (the same Leistung, the same Land filter), and an answer is a pure function of
/// revision and query, so a repeat costs a lookup instead of a search and a serialisation. Bounded; a new
/// revision makes every old key unreachable and they age out.
/// </summary>
public sealed class SearchResponseCache : IDisposable
{
    private static readonly System.Diagnostics.Metrics.Counter<long> Searches =
        Storage.PlatformTelemetry.Meter.CreateCounter<long>("marketplace.catalog.searches", "{search}", "Catalogue searches answered, by whether the answer cache had them");

    private readonly MemoryCache? _cache;

    public SearchResponseCache(IOptions<CatalogOptions> options)
    {
        if (options.Value.SearchCacheEntries > 0)
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.SearchCacheEntries });
    }

    public byte[] GetOrSearch(CatalogSearchIndex index, string canonicalQuery, SearchRequest request, string view = SearchViews.Card) =>
        GetOrSearch(index, RatingSnapshot.Empty, canonicalQuery, request, view);

    /// <summary>
    /// An answer is a function of revision, ratings version and query (the view is part of the canonical query):
    /// a new rating makes old keys unreachable too.
    /// </summary>
    public byte[] GetOrSearch(CatalogSearchIndex index, RatingSnapshot ratings, string canonicalQuery, SearchRequest request, string view = SearchViews.Card)
    {
        if (_cache is null)
        {
            Searches.Add(1, new KeyValuePair<string, object?>("cache", "off"));
            return Serialize(index.Search(request, ratings), view);
        }
        var key = (index.Revision, ratings.Version, canonicalQuery);
        if (_cache.TryGetValue(key, out byte[]? cached))
        {
            Searches.Add(1, new KeyValuePair<string, object?>("cache", "hit"));
            return cached!;
        }
        Searches.Add(1, new KeyValuePair<string, object?>("cache", "miss"));
        var bytes = Serialize(index.Search(request, ratings), view);
        _cache.Set(key, bytes, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return bytes;
    }

    private static byte[] Serialize(SearchResult result, string view) => view == SearchViews.Full
        ? JsonSerializer.SerializeToUtf8Bytes(result, CatalogJsonContext.Default.SearchResult)
        : JsonSerializer.SerializeToUtf8Bytes(SearchListResult.From(result), CatalogJsonContext.Default.SearchListResult);

    public void Dispose() => _cache?.Dispose();
}
