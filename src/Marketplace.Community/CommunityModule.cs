using Marketplace.Catalog.Search;
using Marketplace.Community.Availability;
using Marketplace.Community.Ratings;
using Marketplace.Community.Recommendations;
using Marketplace.Community.Reliability;
using Marketplace.Community.Requests;
using Marketplace.Storage;
using Marketplace.Storage.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Community;

public static class CommunityModule
{
    /// <summary>
    /// Registers ratings, feature requests, recommendations, reliability facts and measured availability (with its prober), and gives catalogue search the
    /// ratings (cards, sort=rating). Needs AddMarketplaceStorage, AddAudit and AddCatalog.
    /// </summary>
    public static IServiceCollection AddCommunity(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CommunityStore>();
        // Provisioning's read interface (who had which offering, provisioning outcomes); also registered by AddProvisioning.
        services.TryAddSingleton<Marketplace.Provisioning.Subscriptions.SubscriptionRecords>();
        services.AddSingleton<CommunityAccess>();
        services.AddSingleton<RatingSnapshots>();
        services.Replace(ServiceDescriptor.Singleton<IOfferingRatings>(sp => sp.GetRequiredService<RatingSnapshots>()));
        services.AddSingleton<CommunityViewCache>();
        services.AddSingleton<RatingService>();
        services.AddSingleton<FeatureRequestService>();
        services.AddSingleton<RecommendationService>();
        services.AddSingleton<ReliabilityService>();
        services.AddSingleton<OfferingCommunity>();

        // Measured availability: status URLs are vendor-controlled, so they are called under the one outbound policy.
        services.Configure<AvailabilityOptions>(configuration.GetSection(AvailabilityOptions.Section));
        services.AddOutboundHttpClient(AvailabilityProber.HttpClientName, configuration);
        services.AddSingleton<StatusPages>();
        services.AddSingleton<AvailabilityProber>();
        services.AddSingleton<AvailabilityFigures>();
        services.AddSingleton<AvailabilityHistory>();
        services.AddSingleton<SlaBreachEvaluation>();
        if (InstanceRoles.RunsBackgroundWork(configuration)
            && configuration.GetSection(AvailabilityOptions.Section).GetValue(nameof(AvailabilityOptions.ProbeEnabled), true))
            services.AddHostedService<AvailabilityService>();
        return services;
    }
}
