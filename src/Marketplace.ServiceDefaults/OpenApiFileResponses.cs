using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// Files and bodies written as they are read (CSV, XRechnung, evidence, the audit export) are declared with
/// <c>.Produces(200, contentType: ...)</c> and no type. Swashbuckle drops the media types of a response without a type,
/// so this filter puts them back, each as a binary string: a client learns what it downloads.
/// </summary>
internal sealed class OpenApiFileResponses : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        // Read from the endpoint's own declarations: the API explorer keeps no media types for a response without a type.
        foreach (var declared in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (declared.Type is not null && declared.Type != typeof(void) || !declared.ContentTypes.Any()) continue;
            if (operation.Responses?.TryGetValue(declared.StatusCode.ToString(), out var found) != true || found is not OpenApiResponse response) continue;
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            foreach (var mediaType in declared.ContentTypes)
                response.Content.TryAdd(mediaType, new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } });
        }
    }
}
