using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Marketplace.Identity.Access;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Email;
using Marketplace.Identity.External;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Server;
using Marketplace.Identity.Stores;
using Marketplace.Identity.Users;
using Marketplace.Storage;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Identity;

/// <summary>Configuration section "Identity".</summary>
public sealed class IdentityModuleOptions
{
    public const string Section = "Identity";

    /// <summary>Seed the demo organisations and one user per role. Defaults to true in Development only; refused in Production.</summary>
    public bool? SeedDemoData { get; set; }
    /// <summary>Base URL put into invitation links, e.g. https://marktplatz.example; else Identity:Server:Issuer. Required outside Development.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>Reject OpenID Connect requests over plain HTTP (off only in Development).</summary>
    public bool? RequireHttps { get; set; }
    public int LoginAttemptsPerMinute { get; set; } = 10;
    public int TokenRequestsPerMinute { get; set; } = 60;
    /// <summary>
    /// PBKDF2 iterations of new password hashes, for test hosts only (environment "Testing"; refused elsewhere): a hash
    /// at the default 100,000 costs a test run a tenth of a second per sign-in. A stored hash names its own count.
    /// </summary>
    public int? PasswordHashIterations { get; set; }
    public Dictionary<string, ExternalProviderOptions> ExternalProviders { get; set; } = [];
}

/// <summary>Registers identity: organisations, Identity users and roles, the OpenID Connect server and validation, policies, tenant checks.</summary>
public static class IdentityModule
{
    /// <summary>The default authentication scheme: the UI cookie, or the bearer token when an Authorization header is sent.</summary>
    public const string CookieOrBearerScheme = "cookie-or-bearer";
    public const string LoginRateLimit = "identity-login";
    /// <summary>The environment test hosts run in; only there may settings weaken security for speed.</summary>
    public const string TestingEnvironment = "Testing";

    public static IServiceCollection AddMarketplaceIdentity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(IdentityModuleOptions.Section);
        var options = section.Get<IdentityModuleOptions>() ?? new IdentityModuleOptions();
        var development = environment.IsDevelopment();
        var requireHttps = options.RequireHttps ?? !development;
        if (environment.IsProduction() && options.SeedDemoData == true)
            throw new InvalidOperationException("Identity:SeedDemoData seeds accounts with known passwords and is refused in Production.");
        if (environment.IsProduction() && PublicBaseUrl(options, configuration.GetSection(IdentityServerOptions.Section).Get<IdentityServerOptions>() ?? new()) is null)
            throw new InvalidOperationException("Identity:PublicBaseUrl (or Identity:Server:Issuer) is required in Production: links in mails must not take their host from the request.");
        var problems = options.ExternalProviders.SelectMany(p => ExternalLinking.Validate(p.Key, p.Value)).ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Identity:ExternalProviders: " + string.Join(" ", problems));
        if (options.PasswordHashIterations is { } iterations)
        {
            if (!environment.IsEnvironment(TestingEnvironment))
                throw new InvalidOperationException("Identity:PasswordHashIterations weakens stored passwords and is for test hosts only (environment Testing).");
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = iterations);
        }

        services.Configure<IdentityModuleOptions>(section);
        services.PostConfigure<IdentityModuleOptions>(o => o.SeedDemoData ??= development);
        services.AddSettings<IdentityServerOptions>(configuration, IdentityServerOptions.Section);
        // The token server answers programs: its errors are problem details, not the error page.
        services.AddMachineFacingPaths("/connect", "/.well-known");
        services.Configure<EmailOptions>(configuration.GetSection(EmailOptions.Section));
        if (development)
            services.PostConfigure<EmailOptions>(o =>
            {
                // Development: mail lands in a folder and in the log; nothing leaves the machine.
                if (string.IsNullOrEmpty(o.SmtpHost)) o.PickupDirectory ??= Path.Combine("data", "mail");
                o.LogMessages = true;
            });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IEmailSender, SmtpEmailSender>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<UserDirectory>();
        services.TryAddSingleton<ApiClientDirectory>();
        services.AddSingleton<DelegationStore>();
        services.AddSingleton<TenantAccess>();
        services.AddSingleton<ServerKeyStore>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<UserTokens>();
        services.AddScoped<ApiClientStore>();
        services.AddStartupStep<IdentityBootstrap>();

        services.AddDbContext<IdentityStoreContext>((sp, o) =>
        {
            var database = sp.GetRequiredService<Database>();
            IdentityStoreContext.Configure(o, database.Engine, database.ConnectionString);
        });

        var dataProtection = services.AddDatabaseKeyRing();
        if (configuration["DataProtection:CertificatePath"] is { Length: > 0 } certificate)
            dataProtection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificate, configuration["DataProtection:CertificatePassword"]));

        services.AddIdentity<MarketplaceUser, IdentityRole>(o =>
            {
                o.ClaimsIdentity.UserIdClaimType = MarketplaceClaims.Subject;
                o.ClaimsIdentity.UserNameClaimType = MarketplaceClaims.Name;
                o.ClaimsIdentity.RoleClaimType = MarketplaceClaims.Role;
                o.ClaimsIdentity.EmailClaimType = MarketplaceClaims.Email;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<IdentityStoreContext>()
            .AddUserManager<MarketplaceUserManager>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<MarketplaceClaimsFactory>();
        // A changed role or a removed user reaches existing cookies within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        var securePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "marktplatz.anmeldung";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = securePolicy;
            o.LoginPath = "/konto/anmelden";
            o.LogoutPath = "/konto/abmelden";
            o.AccessDeniedPath = "/konto/kein-zugriff";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // API callers get status codes, not a login page.
            // RFC 6750 §3: every 401 of the API names the scheme it wants (a request without any token lands here).
            o.Events.OnRedirectToLogin = ctx => IsApi(ctx.Request) ? Unauthorized(ctx.Response) : Redirect(ctx);
            o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.Request) ? Status(ctx.Response, StatusCodes.Status403Forbidden) : Redirect(ctx);
        });
        services.ConfigureExternalCookie(o => { o.Cookie.HttpOnly = true; o.Cookie.SecurePolicy = securePolicy; o.Cookie.SameSite = SameSiteMode.Lax; });
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme })
            services.Configure<CookieAuthenticationOptions>(scheme, o => { o.Cookie.HttpOnly = true; o.Cookie.SecurePolicy = securePolicy; o.Cookie.SameSite = SameSiteMode.Strict; });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "marktplatz.formular";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = securePolicy;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        var authentication = services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieOrBearerScheme;
            o.DefaultAuthenticateScheme = CookieOrBearerScheme;
            o.DefaultChallengeScheme = CookieOrBearerScheme;
            o.DefaultForbidScheme = CookieOrBearerScheme;
                // No display name: a scheme with one is listed as an external sign-in on the login page.
        }).AddPolicyScheme(CookieOrBearerScheme, displayName: null, o => o.ForwardDefaultSelector = ctx =>
            ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme
                : IdentityConstants.ApplicationScheme);
        foreach (var (name, provider) in options.ExternalProviders)
            authentication.AddOpenIdConnect(ExternalLinking.SchemeOf(name), provider.DisplayName, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = provider.Authority;
                o.ClientId = provider.ClientId;
                o.ClientSecret = provider.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.CallbackPath = "/signin-" + name;
                o.SignedOutCallbackPath = "/signout-callback-" + name;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.RequireHttpsMetadata = requireHttps;
                o.Scope.Clear();
                foreach (var scope in provider.Scopes) o.Scope.Add(scope);
            });

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityStoreContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.AllowClientCredentialsFlow();
                o.AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, ApiClientStore.ApiScope);
                o.RegisterClaims(OidcEndpoints.ClaimsSupported);
                o.Configure(server =>
                {
                    // S256 only: "plain" sends the verifier in the clear and protects nothing against an intercepted request.
                    server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                    // A redeemed refresh token is dead at once; reusing it revokes the whole chain (a stolen copy shows).
                    server.RefreshTokenReuseLeeway = TimeSpan.Zero;
                });
                OidcProtocolRules.Register(o);
                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough();
                if (!requireHttps) aspNetCore.DisableTransportSecurityRequirement();
                // A token revoked through this instance stops working here at once, not after the entry-check interval.
                o.AddEventHandler<OpenIddictServerEvents.HandleRevocationRequestContext>(h => h
                    .UseInlineHandler(ctx =>
                    {
                        ctx.Transaction.GetHttpRequest()?.HttpContext.RequestServices.GetRequiredService<CachedTokenValidation>().Forget();
                        return ValueTask.CompletedTask;
                    })
                    .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1_000));
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                // Revoked tokens and deleted clients stop working, not only when the token expires: the token's entry
                // is checked, with a few seconds' cache between instances (see CachedTokenValidation).
                CachedTokenValidation.Register(o);
                o.UseAspNetCore();
            });
        services.AddHttpContextAccessor();
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, OidcServerSchemeProvider>());
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerOptionsFromStore>();
        services.AddSingleton<CachedTokenValidation>();

        services.AddAuthorization(Policies.Add);
        services.Configure<RateLimiterOptions>(o =>
        {
            // Per client address: slows down password guessing and token-endpoint abuse; page views stay unlimited.
            o.AddPolicy(LoginRateLimit, ctx => HttpMethods.IsPost(ctx.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter("login:" + ClientAddress(ctx), _ => new FixedWindowRateLimiterOptions
                    { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("login-view"));
            o.AddPolicy(OidcEndpoints.TokenRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter("token:" + ClientAddress(ctx),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.TokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.AddScoped<RelyingPartyFormTarget>();
        services.Configure<RazorPagesOptions>(o => AddPageConventions(o.Conventions));
        return services;
    }

    /// <summary>The account and organisation pages: signed-in users only, but for the pages that sign in; the sign-in forms rate-limited.</summary>
    private static void AddPageConventions(PageConventionCollection c)
    {
        c.AuthorizeFolder("/Konto", Policies.Authenticated);
        foreach (var page in new[] { "/Konto/Anmelden", "/Konto/ZweiterFaktor", "/Konto/Einladung", "/Konto/Extern", "/Konto/KeinZugriff" })
            c.AllowAnonymousToPage(page);
        c.AuthorizeFolder("/Organisation", Policies.Authenticated);
        foreach (var page in new[] { "/Konto/Anmelden", "/Konto/ZweiterFaktor" })
        {
            c.AddPageApplicationModelConvention(page, m => m.EndpointMetadata.Add(new EnableRateLimitingAttribute(LoginRateLimit)));
            c.AddPageApplicationModelConvention(page, m => m.Filters.Add(new ServiceFilterAttribute(typeof(RelyingPartyFormTarget))));
        }
    }

    /// <summary>
    /// Invitation links point at the configured public address (Identity:PublicBaseUrl, else the issuer); only in
    /// Development at the address the request came to. Never the Host header elsewhere: anyone can send one, and the
    /// link carries the invitation's secret.
    /// </summary>
    public static string InvitationBaseUrl(HttpRequest http, IdentityModuleOptions options) =>
        PublicBaseUrl(options, http.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityServerOptions>>().Value)
        ?? (http.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment()
            ? $"{http.Scheme}://{http.Host}{http.PathBase}"
            : throw new InvalidOperationException("Identity:PublicBaseUrl is not configured."));

    /// <summary>The configured public address of the marketplace, for links in mails; null when none is configured.</summary>
    public static string? PublicBaseUrl(IdentityModuleOptions options, IdentityServerOptions server) =>
        options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/')
        : server.Issuer is { Length: > 0 } issuer ? issuer.TrimEnd('/')
        : null;

    private static string ClientAddress(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "-";

    /// <summary>Callers that are programs (the API, the metrics scraper): they get status codes, not the login page.</summary>
    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/metrics");

    private static Task Unauthorized(HttpResponse response)
    {
        response.Headers.WWWAuthenticate = "Bearer realm=\"marketplace\"";
        return Status(response, StatusCodes.Status401Unauthorized);
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Puts the persisted (or configured) signing and encryption keys into OpenIddict's server options.</summary>
    private sealed class ServerOptionsFromStore(ServerKeyStore keys, IOptions<IdentityServerOptions> server) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            options.SigningCredentials.Add(new SigningCredentials(keys.Get(ServerKeyStore.Signing), SecurityAlgorithms.RsaSha256));
            options.EncryptionCredentials.Add(new EncryptingCredentials(keys.Get(ServerKeyStore.Encryption),
                SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            if (server.Value.Issuer is { Length: > 0 } issuer) options.Issuer = new Uri(issuer, UriKind.Absolute);
            options.AccessTokenLifetime = TimeSpan.FromMinutes(server.Value.AccessTokenMinutes);
            options.RefreshTokenLifetime = TimeSpan.FromDays(server.Value.RefreshTokenDays);
        }
    }
}
