using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Provisioning.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Api;

/// <summary>Which bundling organisation speaks for a Land (sets its Land defaults): read by anyone signed in, set by a platform-admin.</summary>
public static class LandDesignationApi
{
    public sealed record LandDesignationRequest(string? OrganisationId);

    internal static void MapLandDesignations(RouteGroupBuilder api)
    {
        api.MapGet("/lands/{landCode}/designation", async Task<Results<Ok<LandDesignation>, NotFound>> (string landCode, LandDesignations designations, CancellationToken ct) =>
                await designations.GetAsync(landCode, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound())
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The bundling organisation a Land has designated to set its Land defaults");
        api.MapPut("/lands/{landCode}/designation", async Task<Results<NoContent, RefusedHttpResult>> (string landCode, LandDesignationRequest? request,
                ClaimsPrincipal user, LandDesignations designations, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request?.OrganisationId))
                    return CodedProblems.Refused(new RequestValidationException([FieldError.Required("organisationId")]));
                await designations.SetAsync(landCode, request.OrganisationId, user.SubjectOf()!, user.OrganisationOf(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.PlatformAdmin)
            .WithSummary("A platform-admin designates the bundling organisation that sets a Land's defaults (audited)").ProducesValidationProblem();
    }
}
