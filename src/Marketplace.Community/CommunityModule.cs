using Marketplace.Catalog.Search;
using Marketplace.Community.Ratings;
using Marketplace.Community.Recommendations;
using Marketplace.Community.Reliability;
using Marketplace.Community.Requests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Community;

public static class CommunityModule
{
    /// <summary>
    /// Registers ratings, feature requests, recommendations and reliability facts, and gives catalogue search the
    /// ratings (cards, sort=rating). Needs AddMarketplaceStorage, AddAudit and AddCatalog.
    /// </summary>
    public static IServiceCollection AddCommunity(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CommunityStore>();
        services.AddSingleton<RatingSnapshots>();
        services.Replace(ServiceDescriptor.Singleton<IOfferingRatings>(sp => sp.GetRequiredService<RatingSnapshots>()));
        services.AddSingleton<CommunityViewCache>();
        services.AddSingleton<RatingService>();
        services.AddSingleton<FeatureRequestService>();
        services.AddSingleton<RecommendationService>();
        services.AddSingleton<ReliabilityService>();
        services.AddSingleton<OfferingCommunity>();
        return services;
    }
}
