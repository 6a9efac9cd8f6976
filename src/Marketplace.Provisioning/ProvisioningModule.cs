using Marketplace.Storage;
using Marketplace.Storage.Outbound;
using Marketplace.Provisioning.Broker;
using Marketplace.Provisioning.Bundles;
using Marketplace.Provisioning.Configuration;
using Marketplace.Provisioning.Fulfilment;
using Marketplace.Provisioning.Jobs;
using Marketplace.Provisioning.Orders;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Marketplace.Provisioning;

public static class ProvisioningModule
{
    /// <summary>
    /// Registers ordering and provisioning (section "Provisioning"); the job worker runs in this process unless
    /// Instance:Role is "web". Needs AddMarketplaceStorage and AddAudit.
    /// </summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ProvisioningOptions.Section);
        services.AddSettings<ProvisioningOptions>(configuration, ProvisioningOptions.Section);
        var options = section.Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        services.TryAddSingleton(TimeProvider.System);

        // One key ring for every host process, kept in the database: a secret one process encrypts, all can read.
        services.AddDatabaseKeyRing();

        // Brokers and their token URLs are vendor-controlled: the platform's outbound policy (no redirects, public
        // addresses only outside development, bounded answers); deadlines come from the resilience pipeline.
        services.AddOutboundHttpClient(OsbClient.HttpClientName, configuration)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("osb", builder => ConfigureBrokerPipeline(builder, options))
            .SelectPipelineByAuthority();

        services.AddSingleton<OsbClient>();
        services.AddSingleton<BrokerTokenCache>();
        services.AddSingleton<BrokerCatalogs>();
        services.AddSingleton<InstanceFetcher>();
        services.AddSingleton<Reconciliation.ReconciliationFindings>();
        services.AddSingleton<Reconciliation.ReconciliationJob>();
        services.AddSingleton<BrokerRegistry>();
        services.AddSingleton<Broker.Connections.BrokerConnections>();
        services.AddSingleton<Catalog.Availability.IBrokerStatusPages>(sp => sp.GetRequiredService<Broker.Connections.BrokerConnections>());
        services.AddSingleton<Marketplace.Catalog.Brokers.IBrokerCatalogSource, Broker.Connections.ConnectionCatalogSource>();
        services.AddSingleton<OfferingDirectory>();
        services.AddSingleton<MunicipalityNames>();
        services.AddSingleton<Residency.DataPolicies>();
        services.AddSingleton<Residency.SubProcessorObjections>();
        services.AddSingleton<BackOffice.MunicipalityFachverfahren>();
        services.AddSingleton<Marketplace.Catalog.BackOffice.IViewerBackOffice>(sp => sp.GetRequiredService<BackOffice.MunicipalityFachverfahren>());
        services.AddSingleton<Marketplace.Identity.IDemoDataSeeder, BackOffice.FachverfahrenDemoSeeder>();
        services.AddSingleton<ConfigSecrets>();
        services.AddSingleton<LandDefaults>();
        services.AddSingleton<LandDesignations>();
        services.AddSingleton<Marketplace.Identity.IDemoDataSeeder, LandDesignationDemoSeeder>();
        services.AddSingleton<TenantConfiguration>();
        services.AddSingleton<SubscriptionWriter>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueueMonitor>();
        services.AddHealthChecks().AddCheck<JobQueueMonitor>("job-queue", tags: ["ready"]);
        services.AddSingleton<SubscriptionJobHandler>();
        services.AddSingleton(sp => new JobRunner(sp.GetRequiredService<JobStore>(), sp.GetRequiredService<SubscriptionJobHandler>(),
            sp.GetRequiredService<ILogger<JobRunner>>()));
        // Identity's read model of API clients (the four-eyes rule); registered here too for hosts without the identity module.
        services.TryAddSingleton<Marketplace.Identity.Clients.ApiClientDirectory>();
        // Identity's organisations, for the Land designations (which bundler speaks for a Land); likewise registered here too.
        services.TryAddSingleton<Marketplace.Identity.Organisations.OrganisationStore>();
        services.TryAddSingleton<Marketplace.Identity.Organisations.DelegationStore>();
        services.TryAddSingleton<Marketplace.Identity.Access.TenantAccess>();
        // The catalogue's read interfaces (municipalities, offerings, vendors); likewise registered here too.
        services.TryAddSingleton<Marketplace.Catalog.Municipalities.MunicipalityDirectory>();
        services.TryAddSingleton<Marketplace.Catalog.Queries.OfferingRecords>();
        services.TryAddSingleton<Marketplace.Catalog.Queries.CatalogRepository>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<SubscriptionExport>();
        services.TryAddSingleton<SubscriptionRecords>();
        services.AddSingleton<Bindings.BindingService>();
        services.AddSingleton<ManualFulfilment>();
        services.AddSingleton<RolloutService>();
        services.AddSingleton<ProvisioningAccess>();
        services.AddSingleton<BundleOrders>();
        services.AddSingleton<Baskets.BasketService>();
        if (InstanceRoles.RunsBackgroundWork(configuration))
        {
            services.AddHostedService<ProvisioningWorker>();
            services.AddHostedService<Reconciliation.ReconciliationService>();
        }
        return services;
    }

    /// <summary>
    /// Per broker authority: an overall deadline, a retry only for calls that cannot have reached the broker
    /// (connection refused) or that are safe to repeat (GET), and the per-attempt timeout whose expiry is a "timeout"
    /// in the sense of the Open Service Broker orphan-mitigation table.
    /// </summary>
    private static void ConfigureBrokerPipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ProvisioningOptions options)
    {
        builder.AddTimeout(options.BrokerRequestTimeout * 3);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
                { Result: { } r } when r.RequestMessage?.Method == HttpMethod.Get => (int)r.StatusCode is 408 or 429 or >= 500,
                _ => false,
            }),
        });
        builder.AddTimeout(options.BrokerRequestTimeout);
    }
}
