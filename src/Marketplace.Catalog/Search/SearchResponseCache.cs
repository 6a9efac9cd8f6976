using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Marketplace.Catalog.Api;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
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

    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>
    /// The answer to a search: from the cache, or, with the cache off, searched and written straight into the response
    /// (no intermediate array).
    /// </summary>
    public SearchAnswer Answer(CatalogSearchIndex index, RatingSnapshot ratings, string canonicalQuery, SearchRequest request, string view)
    {
        if (_cache is not null) return new SearchAnswer(GetOrSearch(index, ratings, canonicalQuery, request, view));
        Searches.Add(1, new KeyValuePair<string, object?>("cache", "off"));
        return new SearchAnswer(index, index.Search(request, ratings, view: view), view);
    }

    /// <summary>An answer that depends on the viewer (see <see cref="SearchRequest.OnlyOfferings"/>): searched, never cached.</summary>
    public static SearchAnswer AnswerForViewer(CatalogSearchIndex index, RatingSnapshot ratings, SearchRequest request, string view) =>
        new(index, index.Search(request, ratings, view: view), view);

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
            return Serialize(index, index.Search(request, ratings, view: view), view);
        }
        var key = (index.Revision, ratings.Version, canonicalQuery);
        if (_cache.TryGetValue(key, out byte[]? cached))
        {
            Searches.Add(1, new KeyValuePair<string, object?>("cache", "hit"));
            return cached!;
        }
        Searches.Add(1, new KeyValuePair<string, object?>("cache", "miss"));
        var bytes = Serialize(index, index.Search(request, ratings, view: view), view);
        _cache.Set(key, bytes, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return bytes;
    }

    // Umlauts and ß as UTF-8, not as \u00fc: shorter answers, less to encode; characters that matter in HTML stay escaped.
    internal static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), SkipValidation = true };

    public static byte[] Serialize(CatalogSearchIndex index, SearchResult result, string view)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        Write(buffer, index, result, view);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The answer's JSON in the view asked for: "full" the result itself, otherwise the lean list from the index's encoded
    /// fragments (<see cref="CardViewJson"/>, the same bytes as <see cref="WriteBySerializer"/>).
    /// </summary>
    public static void Write(IBufferWriter<byte> target, CatalogSearchIndex index, SearchResult result, string view)
    {
        if (view == SearchViews.Full) WriteBySerializer(target, result, view);
        else index.CardJson.Write(target, result);
    }

    /// <summary>The answer's JSON as the source-generated serialiser writes it: "full" the result itself, otherwise the lean list.</summary>
    internal static void WriteBySerializer(IBufferWriter<byte> target, SearchResult result, string view)
    {
        using var writer = new Utf8JsonWriter(target, Writing);
        if (view == SearchViews.Full) JsonSerializer.Serialize(writer, result, CatalogJsonContext.Default.SearchResult);
        else JsonSerializer.Serialize(writer, SearchListResult.From(result), CatalogJsonContext.Default.SearchListResult);
    }

    public void Dispose() => _cache?.Dispose();
}

/// <summary>
/// A search's answer as a typed endpoint result: JSON already serialised (from the cache) or written straight into the
/// response. It declares its body as <see cref="SearchListResult"/>, so the OpenAPI document names the shape.
/// </summary>
public sealed class SearchAnswer : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly byte[]? _json;
    private readonly (CatalogSearchIndex Index, SearchResult Result, string View) _search;

    public SearchAnswer(byte[] json) => _json = json;

    public SearchAnswer(CatalogSearchIndex index, SearchResult result, string view) => _search = (index, result, view);

    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = SearchResponseCache.ContentType;
        if (_json is not null)
        {
            http.Response.ContentLength = _json.Length;
            await http.Response.Body.WriteAsync(_json, http.RequestAborted);
            return;
        }
        using var buffer = new PooledBufferWriter(32 * 1024);
        SearchResponseCache.Write(buffer, _search.Index, _search.Result, _search.View);
        http.Response.ContentLength = buffer.WrittenMemory.Length;
        await http.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SearchListResult), ["application/json"]));
}
