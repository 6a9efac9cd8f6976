using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Outbound;

/// <summary>Configuration section "OutboundHttp": the one policy for calls to vendor-controlled URLs.</summary>
public sealed class OutboundHttpOptions
{
    public const string Section = "OutboundHttp";

    /// <summary>Let vendor-controlled calls reach loopback and private addresses: development (the sample broker) and tests only.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Largest response body read from a vendor's system; a larger one fails the call.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest response header section, in kilobytes.</summary>
    [Range(1, 1024)]
    public int MaxResponseHeadersKilobytes { get; set; } = 32;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// One outbound HTTP policy for every URL a vendor controls (brokers, OAuth token URLs, accessibility statements):
/// only public addresses, checked at connect time (see <see cref="PublicNetworkOnly"/>); no automatic redirects, so a
/// request and its body never reach a service the vendor points a redirect at; no cookies; a bounded response and a
/// connect timeout. Each named client adds its own request deadline.
/// </summary>
public static class OutboundHttp
{
    /// <summary>Registers a named HttpClient under the policy (the options bind from <see cref="OutboundHttpOptions.Section"/>).</summary>
    public static IHttpClientBuilder AddOutboundHttpClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        services.AddSettings<OutboundHttpOptions>(configuration, OutboundHttpOptions.Section);
        return services.AddHttpClient(name)
            .ConfigureHttpClient((sp, client) => client.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<OutboundHttpOptions>>().Value.MaxResponseBytes)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(sp.GetRequiredService<IOptions<OutboundHttpOptions>>().Value));
    }

    public static SocketsHttpHandler Handler(OutboundHttpOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            MaxResponseHeadersLength = options.MaxResponseHeadersKilobytes,
            // Connections are re-established (and so re-checked) regularly, not kept for ever to one resolved address.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        if (!options.AllowPrivateNetworks) handler.ConnectCallback = PublicNetworkOnly.ConnectAsync;
        return handler;
    }
}
