namespace Marketplace.Catalog.Search;

/// <summary>The municipalities' ratings of one offering: the mean of 1–5 stars and how many rated.</summary>
public sealed record RatingSummary(double Average, int Count);

/// <summary>
/// Ratings of every offering at one moment. Ratings change between catalogue revisions, so search answers and their
/// ETags carry <see cref="Version"/> beside the catalogue revision.
/// </summary>
public sealed class RatingSnapshot(long version, IReadOnlyDictionary<string, RatingSummary> byOffering)
{
    public static readonly RatingSnapshot Empty = new(0, new Dictionary<string, RatingSummary>());

    public long Version { get; } = version;

    public RatingSummary? For(string offeringId) => byOffering.GetValueOrDefault(offeringId);
}

/// <summary>Where search reads ratings from; the community module provides them, without it there are none.</summary>
public interface IOfferingRatings
{
    ValueTask<RatingSnapshot> CurrentAsync(CancellationToken ct = default);
}

/// <summary>No ratings: the catalogue on its own.</summary>
public sealed class NoOfferingRatings : IOfferingRatings
{
    public ValueTask<RatingSnapshot> CurrentAsync(CancellationToken ct = default) => ValueTask.FromResult(RatingSnapshot.Empty);
}
