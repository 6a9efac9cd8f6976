using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Kernel;

/// <summary>
/// Verb routes renamed to nouns (…/submit → …/submission) and pages moved to another folder stay reachable for one release: the old route answers
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
            return RedirectToSuccessor(http, path[..^oldSegment.Length] + newSegment);
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// Pages moved from <paramref name="oldFolder"/> to <paramref name="newFolder"/> (one page area where there were two):
    /// GET and POST of each old address answer the same redirect as a renamed route, to the page under its new folder.
    /// </summary>
    public static void MapMovedPages(this IEndpointRouteBuilder routes, string oldFolder, string newFolder, params string[] pages)
    {
        foreach (var page in pages)
            routes.MapMethods($"{oldFolder}/{page}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post],
                (HttpContext http) => RedirectToSuccessor(http, $"{newFolder}/{page}")).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult RedirectToSuccessor(HttpContext http, string successorPath)
    {
        var successor = http.Request.PathBase.Add(new PathString(successorPath)).ToUriComponent();
        http.Response.Headers["Deprecation"] = "@" + Deprecated.ToUnixTimeSeconds();
        http.Response.Headers.Link = $"<{successor}>; rel=\"successor-version\"";
        return Results.Redirect(successor + http.Request.QueryString, permanent: true, preserveMethod: true);
    }
}
