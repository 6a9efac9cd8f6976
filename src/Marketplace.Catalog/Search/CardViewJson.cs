using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Marketplace.Catalog.Api;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The card view's JSON (<see cref="SearchListResult"/>) written from fragments encoded once per index: each offering's list
/// item and each facet value up to its count are fixed for a revision, so a search copies bytes and writes a few numbers
/// instead of serialising twenty items and a hundred facet values. The fragments come from the same serialiser and options
/// as the answer, and <c>SearchAnswerJsonTests</c> checks the bytes equal the serialiser's for every search it runs.
/// </summary>
internal sealed class CardViewJson
{
    private readonly JsonWriterOptions _options;
    private readonly byte[][] _items; // [ordinal] → the list item of the card without a rating
    private readonly Dictionary<string, byte[]> _sorts = new(StringComparer.Ordinal); // "relevance" as JSON
    private readonly byte[][] _facetNames; // "land":
    private readonly byte[][][] _valuePrefixes; // [facet][value id] → {"value":"BY","label":"Bayern","count":

    public CardViewJson(JsonWriterOptions options, OfferingCard[] cards, string[][] facetValueKeys, string[][] facetValueLabels)
    {
        _options = options;
        _items = new byte[cards.Length][];
        for (var i = 0; i < cards.Length; i++) _items[i] = Encode(OfferingListItem.From(cards[i]), CatalogJsonContext.Default.OfferingListItem);
        foreach (var sort in SortOrders.All) _sorts[sort] = Encode(sort, CatalogJsonContext.Default.String);
        _facetNames = new byte[Facets.All.Count][];
        _valuePrefixes = new byte[Facets.All.Count][][];
        for (var f = 0; f < Facets.All.Count; f++)
        {
            _facetNames[f] = [.. Encode(Facets.All[f], CatalogJsonContext.Default.String), (byte)':'];
            _valuePrefixes[f] = new byte[facetValueKeys[f].Length][];
            for (var v = 0; v < facetValueKeys[f].Length; v++)
            {
                var whole = Encode(new FacetValue(facetValueKeys[f][v], facetValueLabels[f][v], 0, false), CatalogJsonContext.Default.FacetValue);
                if (!whole.AsSpan().EndsWith(":0}"u8)) throw new InvalidOperationException("A facet value's JSON must end with its count.");
                _valuePrefixes[f][v] = whole[..^2];
            }
        }
    }

    public void Write(IBufferWriter<byte> target, SearchResult result)
    {
        Put(target, "{\"revision\":"u8);
        Number(target, result.Revision);
        Put(target, ",\"total\":"u8);
        Number(target, result.Total);
        Put(target, ",\"page\":"u8);
        Number(target, result.Page);
        Put(target, ",\"pageSize\":"u8);
        Number(target, result.PageSize);
        Put(target, ",\"sort\":"u8);
        Put(target, _sorts.TryGetValue(result.Sort, out var sortJson) ? sortJson : Encode(result.Sort, CatalogJsonContext.Default.String));
        Put(target, ",\"items\":["u8);
        for (var i = 0; i < result.Items.Count; i++)
        {
            if (i > 0) Put(target, ","u8);
            // A card with a rating is a copy of the index's card (card with { Rating }): its item is encoded here.
            var card = result.Items[i];
            Put(target, card.Rating is null ? _items[result.ItemOrdinals[i]] : Encode(OfferingListItem.From(card), CatalogJsonContext.Default.OfferingListItem));
        }
        Put(target, "],\"facets\":{"u8);
        for (var f = 0; f < Facets.All.Count; f++)
        {
            if (f > 0) Put(target, ","u8);
            Put(target, _facetNames[f]);
            Put(target, "["u8);
            var values = result.FacetCounts.Of(f);
            var written = 0;
            for (var v = 0; v < values.Length; v++)
            {
                var value = values[v];
                if (!SearchListResult.Shows(Facets.All[f], values.Length, v, value.Selected)) continue;
                if (written++ > 0) Put(target, ","u8);
                // The prefixes hold the index's own keys and labels, and the result's value ids are that index's.
                Put(target, _valuePrefixes[f][value.Id]);
                Number(target, value.Count);
                Put(target, value.Selected ? ",\"selected\":true}"u8 : "}"u8);
            }
            Put(target, "]"u8);
        }
        Put(target, "}}"u8);
    }

    private byte[] Encode<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, _options)) JsonSerializer.Serialize(writer, value, type);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Put(IBufferWriter<byte> target, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(target.GetSpan(bytes.Length));
        target.Advance(bytes.Length);
    }

    private static void Number(IBufferWriter<byte> target, long value)
    {
        var span = target.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        target.Advance(written);
    }
}
