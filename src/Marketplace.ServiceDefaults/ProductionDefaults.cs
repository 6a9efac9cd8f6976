using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Marketplace.ServiceDefaults;

/// <summary>Configuration section "Hosting": what the host exposes and whom it trusts; safe defaults outside Development.</summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>Serve the Swagger UI at /swagger (the OpenAPI document itself stays public). Default: Development only.</summary>
    public bool? SwaggerUi { get; set; }
    /// <summary>Who may read /metrics: Anonymous (Development default), PlatformAdmin (default elsewhere; a platform API client's token), Off.</summary>
    public MetricsAccess? Metrics { get; set; }
    /// <summary>Redirect plain HTTP to HTTPS (and send HSTS). Default: everywhere but Development.</summary>
    public bool? HttpsRedirect { get; set; }
    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed; nobody else's are.</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) of such proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool ForwardedHeaders => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

public enum MetricsAccess { Anonymous, PlatformAdmin, Off }

/// <summary>Applies <see cref="HostingOptions"/>: forwarded headers only from configured proxies, HTTPS, Swagger UI and metrics access.</summary>
public static class ProductionDefaults
{
    public static HostingOptions Read(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        var development = environment.IsDevelopment();
        options.SwaggerUi ??= development;
        options.Metrics ??= development ? MetricsAccess.Anonymous : MetricsAccess.PlatformAdmin;
        options.HttpsRedirect ??= !development;
        return options;
    }

    public static void AddProductionDefaults(this IServiceCollection services, HostingOptions options)
    {
        services.AddSingleton(options);
        // PostConfigure: also overrides what ASPNETCORE_FORWARDEDHEADERS_ENABLED sets up (which trusts every sender),
        // so X-Forwarded-For cannot choose the partition of the per-address login limit.
        services.PostConfigure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in options.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in options.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            // Empty lists would mean "trust every sender"; with none configured only loopback is believed.
            if (o.KnownProxies.Count == 0 && o.KnownIPNetworks.Count == 0)
            {
                o.KnownProxies.Add(IPAddress.Loopback);
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
            }
        });
    }

    /// <summary>First in the pipeline: the client address and scheme every later step sees.</summary>
    public static void UseProductionDefaults(this WebApplication app, HostingOptions options)
    {
        if (options.ForwardedHeaders) app.UseForwardedHeaders();
        if (options.HttpsRedirect == true)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
    }

    public static void MapMetrics(this WebApplication app, HostingOptions options, string adminPolicy)
    {
        switch (options.Metrics)
        {
            case MetricsAccess.Anonymous:
                app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
                break;
            case MetricsAccess.PlatformAdmin:
                app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(adminPolicy);
                break;
        }
    }
}
