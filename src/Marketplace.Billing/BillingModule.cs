using Marketplace.Billing.Accounts;
using Marketplace.Billing.Funding;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Metering;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Stripe;
using Marketplace.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing;

public static class BillingModule
{
    /// <summary>Registers the billing services (section "Billing"); the Stripe adapter gets its own HttpClient.</summary>
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BillingOptions>(configuration, BillingOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BillingOptions>, BillingOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new BillingCalendar(TimeZoneInfo.FindSystemTimeZoneById(sp.GetRequiredService<IOptions<BillingOptions>>().Value.TimeZone)));
        // The owners' read interfaces billing reads through, registered here too for hosts without those modules.
        services.TryAddSingleton<Provisioning.Subscriptions.SubscriptionRecords>();
        services.TryAddSingleton<Identity.Organisations.OrganisationStore>();
        services.TryAddSingleton<Catalog.Municipalities.MunicipalityDirectory>();
        services.TryAddSingleton<Catalog.Queries.OfferingRecords>();
        services.TryAddSingleton<Catalog.Queries.PlanRecords>();
        services.TryAddSingleton<Catalog.Queries.CatalogRepository>();
        services.AddSingleton<UsageIngestionService>();
        services.AddSingleton<BillingRunService>();
        services.AddSingleton<InvoiceService>();
        services.AddSingleton<InvoiceExport>();
        services.AddSingleton<InvoiceRecords>();
        services.AddSingleton<CreditNoteService>();
        services.AddSingleton<BillingAccountService>();
        services.AddSingleton<FundingReportService>();
        services.AddSingleton<Pricing.OrderQuotes>();
        services.AddSingleton<Overview.BillingOverviewService>();
        services.AddSingleton<StripeInvoiceSync>();
        services.AddSingleton<Runs.PeriodFinalization>();
        services.AddSingleton<StripeWebhookProcessor>();
        services.AddHttpClient<IStripeAdapter, StripeNetAdapter>();
        if (InstanceRoles.RunsBackgroundWork(configuration)) services.AddHostedService<BillingScheduler>();
        return services;
    }
}
