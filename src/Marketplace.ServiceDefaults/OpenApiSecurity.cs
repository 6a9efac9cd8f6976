using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// Declares in the OpenAPI document how a client authenticates: OpenID Connect (discovery at this host, the
/// API's scope) or a bearer access token it already holds. Every operation that names an authorisation policy
/// requires one of them; the public catalogue reads require none. Swagger UI's Authorize button and generated clients
/// read exactly this.
/// </summary>
internal static class OpenApiSecurity
{
    public const string OpenIdConnect = "oidc";
    public const string Bearer = "bearer";
    private const string DiscoveryPath = "/.well-known/openid-configuration";

    public static void AddSecuritySchemes(this SwaggerGenOptions options, string apiScope)
    {
        options.AddSecurityDefinition(OpenIdConnect, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OpenIdConnect,
            // Made absolute per request (see UseAbsoluteDiscoveryUrl): the document does not know the public host.
            OpenIdConnectUrl = new Uri(DiscoveryPath, UriKind.Relative),
            Description = $"OpenID Connect (Authorization Code with PKCE, or Client Credentials for machine clients); scope '{apiScope}'.",
        });
        options.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An access token from this marketplace's token endpoint, sent as 'Authorization: Bearer …' (RFC 6750).",
        });
        options.OperationFilter<RequiresTokenFilter>(apiScope);
    }

    /// <summary>Sets the discovery URL to this request's host, as OpenIddict's own discovery does when no issuer is configured.</summary>
    public static void UseAbsoluteDiscoveryUrl(this SwaggerOptions options) =>
        options.PreSerializeFilters.Add((document, request) =>
        {
            if (document.Components?.SecuritySchemes?.TryGetValue(OpenIdConnect, out var scheme) == true && scheme is OpenApiSecurityScheme oidc)
                oidc.OpenIdConnectUrl = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{DiscoveryPath}", UriKind.Absolute);
        });

    /// <summary>Either scheme satisfies an operation that names a policy; anonymous operations get no requirement.</summary>
    private sealed class RequiresTokenFilter(string apiScope) : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any()) return;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenIdConnect, context.Document)] = [apiScope] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid access token (RFC 6750: WWW-Authenticate names the error)." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's user or client may not do this." });
        }
    }
}
