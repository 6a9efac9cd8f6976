using System.Globalization;
using Marketplace.Audit;
using Marketplace.Billing;
using Marketplace.Billing.Api;
using Marketplace.Catalog;
using Marketplace.Catalog.Api;
using Marketplace.Community;
using Marketplace.Community.Api;
using Marketplace.Identity;
using Marketplace.Identity.Access;
using Marketplace.Identity.Api;
using Marketplace.Identity.Clients;
using Marketplace.Notifications;
using Marketplace.Notifications.Api;
using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Api;
using Marketplace.ServiceDefaults;
using Marketplace.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Marketplace.Web.Hosting;

/// <summary>How the host is composed: the service defaults, then each capability module with its services, pages rules and endpoints.</summary>
public static class MarketplaceHost
{
    public static readonly CultureInfo[] Cultures = [new("de-DE"), new("en-GB")];

    /// <summary>The page that shows people an error (machines get problem details).</summary>
    private const string ErrorPage = "/Fehler";

    public static void AddMarketplace(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        builder.AddServiceDefaults(new ServiceDefaultsSettings(Cultures, ApiClientStore.ApiScope, Policies.PlatformAdmin, ErrorPage));
        services.AddRazorPages(o =>
        {
            // Every page declares who may see it (the modules for their folders); the endpoint test fails on any that does not.
            foreach (var page in new[] { "/Index", ErrorPage, "/Sprache" }) o.Conventions.AllowAnonymousToPage(page);
        }).AddViewLocalization().AddDataAnnotationsLocalization().AddMvcOptions(o => o.Filters.Add(new NotFoundPageFilter()));

        services.AddMarketplaceStorage(configuration);
        services.AddAudit(configuration);
        services.AddCatalog(configuration);
        services.AddBilling(configuration);
        services.AddMarketplaceIdentity(configuration, builder.Environment);
        services.AddConformance(configuration);
        services.AddCommunity(configuration);
        // Before the provisioning worker, so the first broker job of a development start finds the embedded broker listening.
        DevelopmentHostingLoader.Apply(builder);
        services.AddProvisioning(configuration);
        services.AddNotifications(configuration);
        // The host's own composition of ordering and billing (the Merkliste and a placed order's costs).
        services.AddSingleton<OrderCosts>();
        if (configuration.GetValue<bool>("Bench:FixedEndpoint"))
            services.AddSingleton<BenchFixedBody>();
    }

    /// <summary>
    /// Runs the modules' start-up steps (<see cref="IStartupStep"/>: migrations, the embedded default's seed, roles and
    /// clients, the search index) before the first request is served.
    /// </summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<Database>();
        await app.Services.RunStartupStepsAsync(app.Lifetime.ApplicationStopping);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                app.Logger.LogInformation("Marketplace läuft auf {Address} (Datenbank: {Engine})", address, database.Engine);
        });
    }

    public static void UseMarketplace(this WebApplication app)
    {
        app.UseServiceDefaults();
        app.MapCatalogApi();
        app.MapBillingApi();
        app.MapIdentityApi();
        app.MapProvisioningApi();
        app.MapBasketApi();
        app.MapOrderQuoteApi();
        app.MapConformanceApi();
        app.MapNotificationsApi();
        app.MapCommunityApi();
        if (app.Services.GetService<BenchFixedBody>() is { } bench)
        {
            app.MapGet("/bench/fixed", () => Results.Bytes(bench.Body, "application/json; charset=utf-8"))
                .ExcludeFromDescription().AllowAnonymous();
            // A body of the given size: one host serves the baselines of mixes whose answers differ in size.
            app.MapGet("/bench/fixed/{bytes:int:range(12,1000000)}", (int bytes) => Results.Bytes(bench.Of(bytes), "application/json; charset=utf-8"))
                .ExcludeFromDescription().AllowAnonymous();
        }
        // The vendor pages were one area in two folders; the old addresses of those moved into the portal still answer.
        app.MapMovedPages("/anbieter", "/anbieterportal", "abgleich", "aufgaben", "bestellungen");
        app.MapRazorPages();
    }
}

/// <summary>Only for benchmarks (Bench:FixedEndpoint=true): a fixed body of the size of a search answer, the baseline a search is compared with.</summary>
public sealed class BenchFixedBody(IConfiguration configuration)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> _bySize = new();

    public byte[] Body { get; } = Make(configuration.GetValue("Bench:FixedBodyBytes", 8192));

    public byte[] Of(int bytes) => _bySize.GetOrAdd(bytes, Make);

    private static byte[] Make(int bytes) => System.Text.Encoding.UTF8.GetBytes("{\"fixed\":\"" + new string('x', Math.Max(0, bytes - 12)) + "\"}");
}
