using Marketplace.Catalog;
using Marketplace.SampleBroker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.DevelopmentHosting;

/// <summary>
/// The sample Open Service Broker inside the marketplace process, when SampleBroker:EmbeddedUrl is set (development:
/// the address the demo catalogue's broker offerings point at), so ordering provisions without a second command.
/// Its settings come from the same "SampleBroker" section (Mode, LatencyMs, Faults, ...).
/// </summary>
public sealed class EmbeddedSampleBroker(IConfiguration configuration, IOptions<CatalogOptions> catalog, ILogger<EmbeddedSampleBroker> logger)
    : IHostedService, IAsyncDisposable
{
    public const string UrlSetting = "SampleBroker:EmbeddedUrl";

    /// <summary>The running broker (null until started): tests steer it through its state and options.</summary>
    public SampleBrokerServer? Server { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var url = new Uri(configuration[UrlSetting]!);
        var section = configuration.GetSection(SampleBrokerOptions.Section);
        Server = await SampleBrokerApp.StartAsync(o =>
        {
            section.Bind(o);
            // The broker's /v2/catalog lists the services and plans of the catalogue this host serves.
            o.CatalogPath ??= catalog.Value.Path;
        }, url.Port);
        logger.LogInformation("Beispiel-Broker läuft eingebettet auf {Address}", Server.BaseAddress);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (Server is not null) await Server.DisposeAsync();
        Server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>Registers the broker when <see cref="UrlSetting"/> is set; never otherwise (production, tests that do not ask).</summary>
    public static void AddIfConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[UrlSetting])) return;
        services.AddSingleton<EmbeddedSampleBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSampleBroker>());
    }
}
