using Marketplace.Provisioning.Subscriptions;

namespace Marketplace.Community.Recommendations;

/// <summary>An offering other municipalities hold together with the one(s) looked at, and how many of them.</summary>
public sealed record Recommendation(string OfferingId, string Name, string NameEn, string VendorName, int Municipalities);

/// <summary>
/// "Andere Kommunen bestellten auch": offerings co-subscribed by the municipalities that subscribe the given ones,
/// ranked by how many municipalities do both. A recommendation needs <see cref="MinimumMunicipalities"/> distinct
/// municipalities behind it, so that no single municipality's orders can be inferred from it.
/// </summary>
public sealed class RecommendationService(CommunityStore store, SubscriptionRecords subscriptions)
{
    public const int MinimumMunicipalities = 3;

    public Task<IReadOnlyList<Recommendation>> ForOfferingAsync(string offeringId, int limit = 5, CancellationToken ct = default)
    {
        store.Published(offeringId);
        return ForOfferingsAsync([offeringId], limit, ct);
    }

    /// <summary>For the order confirmation: offerings held together with those of the order (the caller has checked the order is the user's).</summary>
    public async Task<IReadOnlyList<Recommendation>> ForOrderAsync(string orderId, int limit = 5, CancellationToken ct = default)
    {
        IReadOnlyList<string> offerings;
        await using (var c = await store.Database.OpenAsync(ct))
            offerings = await subscriptions.OfferingsOfOrderAsync(c, null, orderId, ct);
        return await ForOfferingsAsync(offerings, limit, ct);
    }

    /// <summary>For an order of several offerings (a bundle): offerings held with any of them, none of them itself.</summary>
    public async Task<IReadOnlyList<Recommendation>> ForOfferingsAsync(IReadOnlyList<string> offeringIds, int limit = 5, CancellationToken ct = default)
    {
        if (offeringIds.Count == 0) return [];
        limit = Math.Clamp(limit, 1, 20);
        await using var c = await store.Database.OpenAsync(ct);
        // A few more than asked for: offerings no longer in the catalogue are dropped below.
        var rows = await subscriptions.CoSubscribedAsync(c, null, offeringIds, MinimumMunicipalities, limit + 10, ct);
        return rows.Select(r => (Row: r, Offering: store.PublishedOrNull(r.OfferingId)))
            .Where(x => x.Offering is not null)
            .Take(limit)
            .Select(x => new Recommendation(x.Row.OfferingId, x.Offering!.Descriptor.Name, x.Offering.Descriptor.NameEn, x.Offering.VendorName, (int)x.Row.Municipalities))
            .ToList();
    }
}
