using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Catalog.Queries;
using Marketplace.Catalog.Search;

namespace Marketplace.Catalog.Api;

/// <summary>Source-generated JSON for the catalogue's answers: the search endpoint is the hottest path of the platform.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SearchResult))]
[JsonSerializable(typeof(SearchListResult))]
[JsonSerializable(typeof(OfferingDetail))]
[JsonSerializable(typeof(LeistungComparison))]
[JsonSerializable(typeof(IReadOnlyList<LeistungSummary>))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
