namespace Marketplace.ServiceDefaults;

/// <summary>Response headers that keep browsers from sniffing, framing or leaking the marketplace's pages.</summary>
public static class SecurityHeaders
{
    private const string PageCsp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
                                   "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The page policy with one more origin its forms may lead to. Chromium applies form-action to every redirect
    /// after a form's POST, so the sign-in form of an OpenID Connect request (POST, then /connect/authorize, then the
    /// client's redirect URI) needs the client's origin or the code never reaches the client.
    /// </summary>
    public static string PageCspAllowingFormTarget(string origin) => PageCsp.Replace("form-action 'self'", "form-action 'self' " + origin, StringComparison.Ordinal);

    // Swagger UI injects inline script and style; it gets a policy of its own, still without framing or foreign origins.
    private const string SwaggerCsp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
                                      "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        var h = ctx.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "strict-origin-when-cross-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        h.ContentSecurityPolicy = ctx.Request.Path.StartsWithSegments("/swagger") ? SwaggerCsp : PageCsp;
        return next();
    });
}
