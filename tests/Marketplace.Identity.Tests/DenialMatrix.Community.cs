using Marketplace.Identity.Tests.Community;

namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    // Rating and requesting need the order right for the municipality: its buyer-admin or the delegated bundler.
    private static readonly string[] MuenchenCommunity = [MuenchenAdmin, BundlerAdmin];

    /// <summary>Rows for the community endpoints: ratings, feature requests and their support, vendors' answers and lists.</summary>
    private static Row[] CommunityRows =>
    [
        new("PUT", "/api/v1/offerings/{id}/ratings/{ags}", "/api/v1/offerings/abfall-app-deichgraf/ratings/09162000", () => new { stars = 4, comment = "Läuft." },
            Forbidden, Map((MuenchenCommunity, Ok), ([MuenchenViewer], Forbidden), ([KoelnAdmin], NotFound)),
            async (host, url) =>
            {
                await CommunityData.ActiveAsync(host, "09162000", "abfall-app-deichgraf");
                return url;
            }),
        new("POST", "/api/v1/offerings/{id}/requests", "/api/v1/offerings/gewerbe-service-komuna/requests",
            () => new { ags = "09162000", title = "Matrix " + Unique(), text = "Ein Wunsch." },
            Forbidden, Map((MuenchenCommunity, Created), ([KoelnAdmin], NotFound))),
        new("PUT", "/api/v1/requests/{requestId}/supporters/{ags}", "/api/v1/requests/{request}/supporters/09162000", null,
            Forbidden, Map((MuenchenCommunity, Ok), ([KoelnAdmin], NotFound)), PrepareRequest),
        new("DELETE", "/api/v1/requests/{requestId}/supporters/{ags}", "/api/v1/requests/{request}/supporters/09162000", null,
            Forbidden, Map((MuenchenCommunity, Ok), ([KoelnAdmin], NotFound)), PrepareRequest),
        new("POST", "/api/v1/requests/{requestId}/answer", "/api/v1/requests/{request}/answer", () => new { status = "planned", answer = "Kommt im Frühjahr." },
            Forbidden, Map((Komuna, Ok), ([HavelsoftAdmin], NotFound)), PrepareRequest),
        new("GET", "/api/v1/vendors/{vendorId}/requests", "/api/v1/vendors/komuna-digital/requests", null, NotFound, Map((Komuna, Ok), (Platform, Ok))),
    ];

    /// <summary>A fresh request of Köln for a Komuna offering, so that every principal meets the same state.</summary>
    private static async Task<string> PrepareRequest(IdentityHost host, string url) =>
        url.Replace("{request}", (await CommunityData.RequestAsync(host, "05315000", "gewerbe-service-komuna", "Matrix " + Unique())).Id);
}
