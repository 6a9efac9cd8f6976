using System.Collections.Immutable;
using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Identity.Server;

/// <summary>
/// The OpenID Connect server's passthrough endpoints: authorize (authorization code with PKCE for the web UI, signed in
/// through the UI cookie), token (code, refresh token, client credentials), end session and userinfo. Discovery, JWKS,
/// introspection and revocation are answered by OpenIddict itself.
/// </summary>
public static class OidcEndpoints
{
    public const string TokenRateLimit = "identity-token";
    /// <summary>The page that asks before signing out (a POST with antiforgery token).</summary>
    public const string LogoutConfirmationPage = "/konto/abmelden";

    /// <summary>Every claim the server can put into an ID token or the userinfo answer (discovery's claims_supported).</summary>
    public static readonly string[] ClaimsSupported =
    [
        Claims.Subject, Claims.Issuer, Claims.Audience, Claims.ExpiresAt, Claims.IssuedAt, Claims.AuthenticationTime, Claims.Nonce,
        Claims.AccessTokenHash, Claims.CodeHash, Claims.Name, Claims.Email, MarketplaceClaims.Organisation, MarketplaceClaims.OrganisationKind,
        MarketplaceClaims.Role, MarketplaceClaims.Ags, MarketplaceClaims.Vendor,
    ];

    public static void MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AllowAnonymous();
        connect.MapMethods("/authorize", ["GET", "POST"], Authorize);
        connect.MapPost("/token", Token).RequireRateLimiting(TokenRateLimit).DisableAntiforgery();
        connect.MapMethods("/logout", ["GET", "POST"], (Delegate)EndSession);
        connect.MapMethods("/userinfo", ["GET", "POST"], (Delegate)UserInfo);
    }

    /// <summary>
    /// The origin of the redirect URI when <paramref name="returnUrl"/> is a local authorization request whose client
    /// is registered with exactly that redirect URI; null otherwise.
    /// </summary>
    public static async Task<string?> RedirectOriginOfAuthorizationAsync(IOpenIddictApplicationManager applications, string? returnUrl)
    {
        const string authorize = "/connect/authorize?";
        if (returnUrl is null || !returnUrl.StartsWith(authorize, StringComparison.Ordinal)) return null;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(returnUrl[(authorize.Length - 1)..]);
        if (!query.TryGetValue(Parameters.ClientId, out var clientId) || !query.TryGetValue(Parameters.RedirectUri, out var redirectUri)
            || clientId.Count != 1 || redirectUri.Count != 1 || !Uri.TryCreate(redirectUri.ToString(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http"))
            return null;
        var application = await applications.FindByClientIdAsync(clientId.ToString());
        return application is not null && await applications.ValidateRedirectUriAsync(application, redirectUri.ToString())
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    private static async Task<IResult> Authorize(HttpContext ctx, UserManager<MarketplaceUser> users, IUserClaimsPrincipalFactory<MarketplaceUser> claims)
    {
        var request = ctx.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var cookie = await ctx.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            // Back to this very request after signing in (prompt=login is dropped so it does not loop).
            var parameters = ctx.Request.HasFormContentType ? ctx.Request.Form.ToList() : ctx.Request.Query.ToList();
            parameters.RemoveAll(p => p.Key == Parameters.Prompt);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = ctx.Request.PathBase + ctx.Request.Path + QueryString.Create(parameters) },
                [IdentityConstants.ApplicationScheme]);
        }
        var user = await users.GetUserAsync(cookie.Principal!);
        if (user is null) return Forbid(Errors.LoginRequired, "The user no longer exists.");
        var principal = await ForUserAsync(user, claims, request.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> Token(HttpContext ctx, UserManager<MarketplaceUser> users, SignInManager<MarketplaceUser> signIn,
        IUserClaimsPrincipalFactory<MarketplaceUser> claims, ApiClientStore clients, OrganisationStore organisations)
    {
        var request = ctx.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the client; who it acts for is marketplace data.
            var client = await clients.FindActiveAsync(request.ClientId!);
            var org = client is null ? null : await organisations.GetAsync(client.OrganisationId);
            if (client is null || org is null) return Forbid(Errors.InvalidClient, "The client is not registered with an organisation.");
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, client.ClientId));
            identity.AddClaim(new Claim(Claims.Name, client.DisplayName));
            identity.AddClaim(new Claim(Claims.Role, client.Role));
            Users.MarketplaceClaimsFactory.AddOrganisationClaims(identity, org);
            // Without a scope parameter the client gets the API scope, its only one (RFC 6749 §3.3: a documented default).
            identity.SetScopes(request.GetScopes().IsEmpty ? [ApiClientStore.ApiScope] : request.GetScopes().Intersect([ApiClientStore.ApiScope]));
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await ctx.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = result.Principal?.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
            if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
                return Forbid(Errors.InvalidGrant, "The user can no longer sign in.");
            // Claims are rebuilt from the current state: a changed role or organisation shows at the next refresh.
            return Results.SignIn(await ForUserAsync(user, claims, result.Principal!.GetScopes()),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    /// <summary>
    /// RP-Initiated Logout 1.0 §2: without an id_token_hint the request may come from any page (logout CSRF), so a
    /// signed-in user is asked first; the confirmation page posts with an antiforgery token and comes back here signed
    /// out, and the request then completes with its post_logout_redirect_uri. With a valid hint (OpenIddict has checked
    /// it) naming this user, the client proved it holds their ID token.
    /// </summary>
    private static async Task<IResult> EndSession(HttpContext ctx)
    {
        var request = ctx.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var cookie = await ctx.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (cookie.Succeeded && !await HintNamesAsync(ctx, request, cookie.Principal!))
        {
            var parameters = ctx.Request.HasFormContentType ? ctx.Request.Form.ToList() : ctx.Request.Query.ToList();
            var again = ctx.Request.PathBase + ctx.Request.Path + QueryString.Create(parameters);
            return Results.Redirect(ctx.Request.PathBase + LogoutConfirmationPage + QueryString.Create("ReturnUrl", again));
        }
        await ctx.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The id_token_hint names the signed-in user (someone else's ID token proves nothing about this session).</summary>
    private static async Task<bool> HintNamesAsync(HttpContext ctx, OpenIddictRequest request, ClaimsPrincipal user)
    {
        if (string.IsNullOrEmpty(request.IdTokenHint)) return false;
        var hint = await ctx.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        return hint.Principal?.GetClaim(Claims.Subject) is { Length: > 0 } subject && subject == user.FindFirst(MarketplaceClaims.Subject)?.Value;
    }

    private static async Task<IResult> UserInfo(HttpContext ctx)
    {
        var result = await ctx.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } p)
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        // OIDC Core §5.4: name only with "profile", email only with "email"; the marketplace's own claims with "marketplace".
        var info = new Dictionary<string, object?> { [Claims.Subject] = p.GetClaim(Claims.Subject) };
        var types = new List<string>();
        if (p.HasScope(Scopes.Profile)) types.Add(Claims.Name);
        if (p.HasScope(Scopes.Email)) types.Add(Claims.Email);
        if (p.HasScope(ApiClientStore.ApiScope))
            types.AddRange([MarketplaceClaims.Organisation, MarketplaceClaims.OrganisationKind, MarketplaceClaims.Role, MarketplaceClaims.Ags, MarketplaceClaims.Vendor]);
        foreach (var type in types)
            if (p.GetClaim(type) is { } value) info[type] = value;
        return Results.Ok(info);
    }

    /// <summary>The token principal of a user: the marketplace claims, each sent where the scopes allow.</summary>
    private static async Task<ClaimsPrincipal> ForUserAsync(MarketplaceUser user, IUserClaimsPrincipalFactory<MarketplaceUser> factory, ImmutableArray<string> scopes)
    {
        var source = await factory.CreateAsync(user);
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        foreach (var type in new[] { Claims.Subject, Claims.Name, Claims.Email, MarketplaceClaims.Organisation, MarketplaceClaims.OrganisationKind,
                     MarketplaceClaims.Role, MarketplaceClaims.Ags, MarketplaceClaims.Vendor })
            foreach (var claim in source.FindAll(type))
                identity.AddClaim(new Claim(type, claim.Value));
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name when scopes.Contains(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Email when scopes.Contains(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            MarketplaceClaims.Organisation or MarketplaceClaims.OrganisationKind or MarketplaceClaims.Role or MarketplaceClaims.Ags or MarketplaceClaims.Vendor
                => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
