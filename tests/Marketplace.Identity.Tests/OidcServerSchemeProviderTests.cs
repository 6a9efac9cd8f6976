using Marketplace.Identity.Server;
using Marketplace.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;

namespace Marketplace.Identity.Tests;

/// <summary>
/// OpenIddict's server handler is offered only the requests under its endpoints' folders; everything else skips it (it
/// built absolute URIs of all its endpoints for every request). Its validation handler still sees every request.
/// </summary>
public class OidcServerSchemeProviderTests
{
    [TestCase("/api/v1/offerings", false)]
    [TestCase("/katalog", false)]
    [TestCase("/", false)]
    [TestCase("/connectx/token", false)]
    [TestCase("/connect/token", true)]
    [TestCase("/CONNECT/Token", true)]
    [TestCase("/connect/authorize", true)]
    [TestCase("/.well-known/openid-configuration", true)]
    [TestCase("/.well-known/jwks", true)]
    public async Task The_server_handler_is_offered_only_requests_under_its_endpoints(string path, bool offered)
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        var schemes = await RequestHandlerSchemes(host, new DefaultHttpContext { Request = { Path = path } });
        Assert.That(schemes, offered ? Does.Contain(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme) : Does.Not.Contain(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme));
        Assert.That(schemes, Does.Contain(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme), "bearer tokens need the validation handler's transaction");
    }

    [Test]
    public async Task Behind_a_path_base_and_outside_a_request_the_server_handler_sees_everything()
    {
        var host = await SharedHosts.For(DatabaseEngine.Sqlite);
        Assert.That(await RequestHandlerSchemes(host, new DefaultHttpContext { Request = { PathBase = "/marktplatz", Path = "/api/v1/offerings" } }),
            Does.Contain(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme));
        Assert.That(await RequestHandlerSchemes(host, null), Does.Contain(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme));
    }

    /// <summary>An OpenIddict update that adds an endpoint list fails here until the provider reads it too.</summary>
    [Test]
    public void Every_endpoint_list_of_the_server_options_is_read()
    {
        var options = new OpenIddictServerOptions();
        var lists = typeof(OpenIddictServerOptions).GetProperties().Where(p => p.PropertyType == typeof(List<Uri>) && p.Name.EndsWith("EndpointUris")).ToList();
        Assert.That(lists, Has.Count.GreaterThanOrEqualTo(11));
        foreach (var list in lists) ((List<Uri>)list.GetValue(options)!).Add(new Uri($"folder-of-{list.Name}/x", UriKind.Relative));
        Assert.That(OidcServerSchemeProvider.EndpointFolders(options), Is.SupersetOf(lists.Select(l => $"folder-of-{l.Name}")));
    }

    private static async Task<List<string>> RequestHandlerSchemes(IdentityHost host, HttpContext? request)
    {
        var accessor = host.Services.GetRequiredService<IHttpContextAccessor>();
        var before = accessor.HttpContext;
        accessor.HttpContext = request;
        try
        {
            var provider = host.Services.GetRequiredService<IAuthenticationSchemeProvider>();
            Assert.That(provider, Is.InstanceOf<OidcServerSchemeProvider>());
            return (await provider.GetRequestHandlerSchemesAsync()).Select(s => s.Name).ToList();
        }
        finally
        {
            accessor.HttpContext = before;
        }
    }
}
