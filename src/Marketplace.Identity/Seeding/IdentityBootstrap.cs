using Marketplace.Identity.Access;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Marketplace.Identity;

/// <summary>Start-up work after migrations and seeding: the roles, the OpenID Connect server's keys, the web UI's client, and (development) the demo data.</summary>
public sealed class IdentityBootstrap(RoleManager<IdentityRole> roles, IOpenIddictApplicationManager applications,
    IOptions<IdentityServerOptions> server, ServerKeyStore serverKeys, IOptions<IdentityModuleOptions> options, IServiceProvider services, ILogger<IdentityBootstrap> logger)
    : IStartupStep
{
    /// <summary>The public client of the web UI: authorization code with PKCE, refresh tokens.</summary>
    public const string WebClientId = "marketplace-web";

    /// <summary>After the reference data: the demo accounts belong to seeded vendors and municipalities.</summary>
    public int Order => StartupOrder.Accounts;

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        serverKeys.EnsureStored();
        await EnsureWebClientAsync(ct);
        if (options.Value.SeedDemoData == true)
        {
            var accounts = await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedAsync(ct);
            foreach (var further in services.GetServices<IDemoDataSeeder>()) await further.SeedAsync(ct);
            logger.LogWarning("Demo-Konten (nur Entwicklung), Passwort für alle: {Password}\n{Accounts}", DemoSeeder.Password,
                string.Join("\n", accounts.Select(a => $"  {a.Role,-15} {a.Email,-38} {a.Organisation}")));
        }
    }

    private async Task EnsureWebClientAsync(CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = WebClientId, ClientType = ClientTypes.Public, ConsentType = ConsentTypes.Implicit, DisplayName = "Marktplatz (Web)",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                Permissions.Prefixes.Scope + ApiClientStore.ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in server.Value.WebClientRedirectUris) descriptor.RedirectUris.Add(new Uri(uri));
        foreach (var uri in server.Value.WebClientPostLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        if (await applications.FindByClientIdAsync(WebClientId, ct) is { } existing)
            await applications.UpdateAsync(existing, descriptor, ct);
        else
            await applications.CreateAsync(descriptor, ct);
    }
}

/// <summary>Demo data of another module that builds on the demo organisations (run after them, development only).</summary>
public interface IDemoDataSeeder
{
    Task SeedAsync(CancellationToken ct);
}
