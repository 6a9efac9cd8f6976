using Marketplace.Identity.Server;
using Marketplace.ServiceDefaults;
using Microsoft.AspNetCore.Mvc.Filters;
using OpenIddict.Abstractions;

namespace Marketplace.Identity.Access;

/// <summary>
/// On the sign-in pages: when the return address is an authorization request of a registered client with one of its
/// registered redirect URIs, that URI's origin (and only it) is added to the page's form-action.
/// </summary>
public sealed class RelyingPartyFormTarget(IOpenIddictApplicationManager applications) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        string? returnUrl = request.Query["ReturnUrl"];
        if (string.IsNullOrEmpty(returnUrl) && request.HasFormContentType) returnUrl = (await request.ReadFormAsync()).TryGetValue("ReturnUrl", out var v) ? v.ToString() : null;
        if (await OidcEndpoints.RedirectOriginOfAuthorizationAsync(applications, returnUrl) is { } origin)
            context.HttpContext.Response.Headers.ContentSecurityPolicy = SecurityHeaders.PageCspAllowingFormTarget(origin);
        await next();
    }
}
