using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Marketplace.Identity.Server;

/// <summary>
/// Where the specifications ask more of the OpenID Connect server than OpenIddict does by default: introspection
/// only by the token's own client (RFC 7662 §4), and authorization errors sent back to a registered redirect URI
/// (RFC 6749 §4.1.2.1).
/// </summary>
public static class OidcProtocolRules
{
    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler(OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionByOwnClientOnly>()
            .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build());
        server.AddEventHandler(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseScopedHandler<AuthorizationErrorsToTheClient>()
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build());
    }

    /// <summary>
    /// OpenIddict lets any confidential client introspect a token that names no audience. Here only the client the
    /// token was issued to (its presenter) or one it names as audience learns anything; everyone else hears
    /// "active": false, as for an unknown token, so another organisation's tokens are not even confirmed to exist.
    /// </summary>
    private sealed class IntrospectionByOwnClientOnly : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
    {
        public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
        {
            if (context.GenericTokenPrincipal is not { } token) return ValueTask.CompletedTask;
            var caller = context.ClientId ?? context.Request.ClientId;
            if (string.IsNullOrEmpty(caller) || !(token.HasPresenter(caller) || token.HasAudience(caller)))
                context.Reject(Errors.InvalidToken, "The token cannot be introspected by this client.");
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// An error found before OpenIddict validated the redirect URI (a missing or "plain" code challenge, an unknown
    /// scope) would be shown as a bare text page; when the client and its redirect URI are registered, the error goes
    /// back to the client with the state, as RFC 6749 §4.1.2.1 asks. An unknown client or URI still gets the page.
    /// </summary>
    private sealed class AuthorizationErrorsToTheClient(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
    {
        public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
        {
            if (context.Request is not { } request || !string.IsNullOrEmpty(context.RedirectUri) || string.IsNullOrEmpty(context.Response.Error)
                || string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.RedirectUri)
                || !Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment)
                || request.ResponseMode is not (null or "" or ResponseModes.Query or ResponseModes.Fragment or ResponseModes.FormPost))
                return;
            if (await applications.FindByClientIdAsync(request.ClientId) is { } application
                && await applications.ValidateRedirectUriAsync(application, request.RedirectUri))
                context.RedirectUri = request.RedirectUri;
        }
    }
}
