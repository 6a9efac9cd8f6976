using Marketplace.DevelopmentHosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(DevelopmentHosting))]

namespace Marketplace.DevelopmentHosting;

/// <summary>
/// Adds the development-only services to a marketplace host outside Production: the sample broker inside the process
/// when SampleBroker:EmbeddedUrl is set, and 90 days of demo availability history with the demo accounts.
/// </summary>
public sealed class DevelopmentHosting : IHostingStartup
{
    public void Configure(IWebHostBuilder builder) => builder.ConfigureServices((context, services) =>
    {
        // Registered before the modules, so the provisioning worker's first broker job finds the broker listening.
        EmbeddedSampleBroker.AddIfConfigured(services, context.Configuration);
        services.AddSingleton<Marketplace.Identity.IDemoDataSeeder, AvailabilityDemoSeeder>();
    });
}
