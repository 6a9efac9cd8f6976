using Marketplace.Provisioning.Subscriptions;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;

namespace Marketplace.Community.Ratings;

/// <summary>One municipality's rating of an offering, with the municipality's name (ratings are public product reviews).</summary>
public sealed record Rating
{
    public string OfferingId { get; init; } = "";
    public string Ags { get; init; } = "";
    public string MunicipalityName { get; init; } = "";
    public int Stars { get; init; }
    public string? Comment { get; init; }
    public DateTimeOffset RatedAt { get; init; }
}

/// <summary>The ratings of an offering: average and count over all, and one page of the ratings, newest first.</summary>
public sealed record RatingsView(string OfferingId, double? Average, int Count, IReadOnlyList<Rating> Items, int Page, int PageSize);

/// <summary>
/// Ratings of offerings by municipalities that have or had a live subscription to them: 1–5 stars and an optional
/// comment, one per municipality and offering; rating again replaces the earlier rating.
/// </summary>
public sealed class RatingService(CommunityStore store, RatingSnapshots snapshots, CommunityViewCache views, MunicipalityDirectory municipalities,
    SubscriptionRecords subscriptions)
{
    public const int MaxComment = 2000;

    public async Task<RatingsView> ListAsync(string offeringId, int page = 1, int pageSize = 20, CancellationToken ct = default)
    {
        store.Published(offeringId);
        if (page < 1) throw RequestValidationException.Coded("page", "page.number", "Seite ab 1.");
        if (pageSize is < 1 or > 100) throw RequestValidationException.Coded("pageSize", "whole-number", "„pageSize“ muss eine ganze Zahl von 1 bis 100 sein.", "pageSize", 1, 100);
        await using var c = await store.Database.OpenAsync(ct);
        var summary = await c.QuerySingleAsync<SummaryRow>(new CommandDefinition(CommunitySql.RatingSummary, new { offering = offeringId }, cancellationToken: ct));
        var items = await c.QueryAsync<Rating>(new CommandDefinition(CommunitySql.Ratings(store.Database.Dialect),
            new { offering = offeringId, limit = pageSize, offset = (long)(page - 1) * pageSize }, cancellationToken: ct));
        return new RatingsView(offeringId, summary.Count == 0 ? null : Math.Round(summary.Average ?? 0, 2), (int)summary.Count,
            await NamedAsync(items.ToList(), ct), page, pageSize);
    }

    /// <summary>The municipality's own rating of the offering, or null.</summary>
    public async Task<Rating?> FindAsync(string offeringId, string ags, CancellationToken ct = default)
    {
        Rating? rating;
        await using (var c = await store.Database.OpenAsync(ct))
            rating = await c.QuerySingleOrDefaultAsync<Rating>(new CommandDefinition(CommunitySql.Rating, new { offering = offeringId, ags }, cancellationToken: ct));
        return rating is null ? null : (await NamedAsync([rating], ct))[0];
    }

    /// <summary>True when the municipality has or had a live subscription to the offering, and so may rate it.</summary>
    public async Task<bool> MayRateAsync(string offeringId, string ags, CancellationToken ct = default)
    {
        await using var c = await store.Database.OpenAsync(ct);
        return await subscriptions.HadLiveAsync(c, null, ags, offeringId, ct);
    }

    /// <summary>
    /// Saves the municipality's rating (the caller has checked that the actor may act for it). Refused when the
    /// municipality never had the offering live; audited as rating.submitted or, replacing an earlier one, rating.changed.
    /// </summary>
    public async Task<Rating> RateAsync(Actor actor, string ags, string offeringId, int stars, string? comment, CancellationToken ct = default)
    {
        store.Published(offeringId);
        if (stars is < 1 or > 5) throw RequestValidationException.Coded("stars", "rating.stars", "Bewertung von 1 bis 5 Sternen.");
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > MaxComment }) throw RequestValidationException.Coded("comment", "rating.comment-too-long", $"Kommentar mit höchstens {MaxComment} Zeichen.", MaxComment);
        var saved = await store.ChangeAsync(async (c, tx, audit) =>
        {
            if (!await subscriptions.HadLiveAsync(c, tx, ags, offeringId))
                throw new ForbiddenException("Bewerten können nur Kommunen, die das Angebot abonniert haben oder hatten.") { Code = "rating.not-subscribed" };
            var before = await c.QuerySingleOrDefaultAsync<Rating>(CommunitySql.Rating, new { offering = offeringId, ags }, tx);
            await c.ExecuteAsync(CommunitySql.UpsertRating(store.Database.Dialect), new
            {
                offering_id = offeringId, municipality_ags = ags, stars, comment, rated_by = actor.UserId, rated_at = store.Now(),
            }, tx);
            audit.Add(new AuditEntry(actor.UserId, actor.OrganisationId, before is null ? "rating.submitted" : "rating.changed", "rating", $"{offeringId}/{ags}",
                before is null ? null : new JsonObject { ["stars"] = before.Stars, ["comment"] = before.Comment },
                new JsonObject { ["offeringId"] = offeringId, ["ags"] = ags, ["stars"] = stars, ["comment"] = comment }));
            return await c.QuerySingleAsync<Rating>(CommunitySql.Rating, new { offering = offeringId, ags }, tx);
        }, ct);
        snapshots.Invalidate();
        views.Invalidate(offeringId);
        return (await NamedAsync([saved], ct))[0];
    }

    /// <summary>The ratings with their municipalities' names, read from the directory in one batch.</summary>
    private async Task<IReadOnlyList<Rating>> NamedAsync(IReadOnlyList<Rating> ratings, CancellationToken ct)
    {
        var names = await municipalities.NamesAsync(ratings.Select(r => r.Ags), ct);
        return ratings.Select(r => r with { MunicipalityName = names[r.Ags] }).ToList();
    }

    private sealed class SummaryRow
    {
        public double? Average { get; init; }
        public long Count { get; init; }
    }
}
