using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Marketplace.Identity.Server;

/// <summary>
/// Offers a request to OpenIddict's server handler only when the request's path lies under one of the server's endpoints
/// (connect/…, .well-known/…). ASP.NET Core's authentication middleware offers every request to every request handler
/// first, and OpenIddict's server answers each by building absolute URIs of all its endpoints and comparing them: that was
/// four tenths of what an anonymous API request or page allocated, for a "no" on every path outside those two folders.
/// OpenIddict's validation handler still sees every request: bearer authentication and its challenges need the transaction
/// it attaches there.
/// </summary>
public sealed class OidcServerSchemeProvider(IOptions<AuthenticationOptions> options, IOptions<OpenIddictServerOptions> server,
    IHttpContextAccessor accessor) : AuthenticationSchemeProvider(options)
{
    private readonly Lazy<string[]> _serverFolders = new(() => EndpointFolders(server.Value));
    private volatile Filtered? _schemes; // swapped whole, so a reader never pairs one list with another's filtered copy

    // The filtered list as a finished task, made once: this runs on every request.
    private sealed record Filtered(IEnumerable<AuthenticationScheme> All, Task<IEnumerable<AuthenticationScheme>> WithoutServer);

    public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        var all = base.GetRequestHandlerSchemesAsync(); // the base class answers synchronously, from its own array
        var request = accessor.HttpContext?.Request;
        if (request is null || IsForServer(request) || !all.IsCompletedSuccessfully) return all;
        // The base class keeps one array until a scheme is added or removed; the filtered copy follows it.
        var schemes = _schemes;
        if (schemes is null || !ReferenceEquals(schemes.All, all.Result))
            _schemes = schemes = new Filtered(all.Result, Task.FromResult<IEnumerable<AuthenticationScheme>>(
                all.Result.Where(s => s.Name != OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ToArray()));
        return schemes.WithoutServer;
    }

    /// <summary>
    /// Whether the server may own the request: its path's first folder is one the server's endpoints live in (compared
    /// without regard to case, as OpenIddict compares paths). Behind a path base the server sees every request.
    /// </summary>
    private bool IsForServer(HttpRequest request)
    {
        if (request.PathBase.HasValue) return true;
        var path = request.Path.Value.AsSpan().TrimStart('/');
        var end = path.IndexOf('/');
        var folder = end < 0 ? path : path[..end];
        foreach (var f in _serverFolders.Value)
            if (folder.Equals(f, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The first folder of every endpoint the server answers, relative or absolute, as configured.</summary>
    public static string[] EndpointFolders(OpenIddictServerOptions o) =>
        EndpointUris(o).Select(u => (u.IsAbsoluteUri ? u.AbsolutePath : u.OriginalString).TrimStart('/').Split('/')[0])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static IEnumerable<Uri> EndpointUris(OpenIddictServerOptions o) =>
    [
        .. o.AuthorizationEndpointUris, .. o.ConfigurationEndpointUris, .. o.DeviceAuthorizationEndpointUris, .. o.EndSessionEndpointUris,
        .. o.EndUserVerificationEndpointUris, .. o.IntrospectionEndpointUris, .. o.JsonWebKeySetEndpointUris,
        .. o.PushedAuthorizationEndpointUris, .. o.RevocationEndpointUris, .. o.TokenEndpointUris, .. o.UserInfoEndpointUris,
    ];
}
