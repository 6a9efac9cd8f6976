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

    public static void MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AllowAnonymous();
        connect.MapMethods("/authorize", ["GET", "POST"], Authorize);
        connect.MapPost("/token", Token).RequireRateLimiting(TokenRateLimit).DisableAntiforgery();
        connect.MapMethods("/logout", ["GET", "POST"], (Delegate)EndSession);
        connect.MapMethods("/userinfo", ["GET", "POST"], (Delegate)UserInfo);
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
            identity.SetScopes(request.GetScopes().Intersect([ApiClientStore.ApiScope]));
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

    private static async Task<IResult> EndSession(HttpContext ctx)
    {
        await ctx.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> UserInfo(HttpContext ctx)
    {
        var result = await ctx.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } p)
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var info = new Dictionary<string, object?> { [Claims.Subject] = p.GetClaim(Claims.Subject) };
        foreach (var type in new[] { Claims.Name, Claims.Email, MarketplaceClaims.Organisation, MarketplaceClaims.OrganisationKind,
                     MarketplaceClaims.Role, MarketplaceClaims.Ags, MarketplaceClaims.Vendor })
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
