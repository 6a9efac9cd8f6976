using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog;
using Marketplace.Catalog.Import;
using Marketplace.Catalog.Queries;
using Marketplace.Conformance.Attested;
using Marketplace.Conformance.Checks;
using Marketplace.Conformance.Jobs;
using Marketplace.Conformance.Lifecycle;
using Marketplace.Conformance.Review;
using Marketplace.Conformance.Seed;
using Marketplace.Conformance.Standards;
using Marketplace.Storage;
using Marketplace.Storage.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Conformance;

/// <summary>Registers the conformance module: services, live-check HTTP client, catalogue import participant, daily job.</summary>
public static class ConformanceModule
{
    public const string HttpClientName = "conformance-checks";

    public static IServiceCollection AddConformance(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ConformanceOptions>(configuration.GetSection(ConformanceOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        // Live checks call vendors' systems: under the platform's one outbound policy (public addresses only outside
        // development, no redirects, bounded answers), so a vendor cannot point the platform at its own internal network.
        services.AddOutboundHttpClient(HttpClientName, configuration);
        services.AddSingleton(sp => new ConformanceUnitOfWork(sp.GetRequiredService<Database>(), sp.GetRequiredService<AuditTrail>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<StandardRecords>(), sp.GetRequiredService<OfferingRecords>()));
        services.AddSingleton(sp => new AutomatedChecks(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<ConformanceOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Catalog.Brokers.IBrokerCatalogSource>()));
        services.AddSingleton<OfferingDescriptorValidator>();
        services.AddSingleton<Catalog.Residency.ISubProcessorHistory, Lifecycle.SubProcessorHistory>();
        services.AddSingleton<Catalog.Availability.ISlaHistory, Lifecycle.SlaHistory>();
        services.AddSingleton<Catalog.Availability.IAvailabilityPolicy, Lifecycle.AvailabilityPolicyStore>();
        services.AddSingleton(sp => new OfferingLifecycle(sp.GetRequiredService<ConformanceUnitOfWork>(),
            sp.GetRequiredService<OfferingDescriptorValidator>(), sp.GetRequiredService<AutomatedChecks>()));
        services.AddSingleton(sp => new EvidenceService(sp.GetRequiredService<ConformanceUnitOfWork>(), sp.GetRequiredService<IOptions<ConformanceOptions>>()));
        services.AddSingleton(sp => new AuditorReview(sp.GetRequiredService<ConformanceUnitOfWork>(), sp.GetRequiredService<OfferingLifecycle>(),
            sp.GetRequiredService<EvidenceService>(), sp.GetRequiredService<AutomatedChecks>()));
        services.AddSingleton(sp => new StandardsRegistry(sp.GetRequiredService<ConformanceUnitOfWork>(), sp.GetRequiredService<StandardRecords>(),
            sp.GetRequiredService<IOptions<CatalogOptions>>()));
        services.AddSingleton(sp => new ConformanceDailyJob(sp.GetRequiredService<ConformanceUnitOfWork>(),
            sp.GetRequiredService<ILogger<ConformanceDailyJob>>()));
        services.AddSingleton<ICatalogImportParticipant>(sp => new ConformanceCatalogImport(sp.GetRequiredService<AuditTrail>(),
            sp.GetRequiredService<AutomatedChecks>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConformanceCatalogImport>>(),
            sp.GetRequiredService<StandardRecords>(), sp.GetRequiredService<OfferingRecords>()));
        if (InstanceRoles.RunsBackgroundWork(configuration)
            && configuration.GetSection(ConformanceOptions.Section).GetValue(nameof(ConformanceOptions.RunDailyJob), true))
            services.AddHostedService<ConformanceJobService>();
        return services;
    }
}
