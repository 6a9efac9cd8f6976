using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Storage;

/// <summary>
/// Verb routes renamed to nouns (…/submit → …/submission) stay reachable for one release: the old route answers
/// 308 Permanent Redirect to its successor, so clients keep method and body, with RFC 9745 <c>Deprecation</c> and a
/// <c>Link: rel="successor-version"</c> header. The redirect reveals nothing but the new address, so it is open to
/// anyone and the successor authorises as before; it is left out of the OpenAPI document, which shows only the nouns.
/// </summary>
public static class RenamedRoutes
{
    /// <summary>The release that renamed the routes (the <c>Deprecation</c> date).</summary>
    public static readonly DateTimeOffset Deprecated = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Maps POST <paramref name="oldPattern"/> (relative to <paramref name="routes"/>) as a redirect to the same path
    /// whose last segment is <paramref name="newSegment"/>.
    /// </summary>
    public static RouteHandlerBuilder MapRenamedPost(this IEndpointRouteBuilder routes, string oldPattern, string newSegment)
    {
        var oldSegment = oldPattern[(oldPattern.LastIndexOf('/') + 1)..];
        return routes.MapPost(oldPattern, (HttpContext http) =>
        {
            var path = http.Request.Path.Value!.TrimEnd('/');
            var successor = http.Request.PathBase.Add(new PathString(path[..^oldSegment.Length] + newSegment)).ToUriComponent();
            http.Response.Headers["Deprecation"] = "@" + Deprecated.ToUnixTimeSeconds();
            http.Response.Headers.Link = $"<{successor}>; rel=\"successor-version\"";
            return Results.Redirect(successor + http.Request.QueryString, permanent: true, preserveMethod: true);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
