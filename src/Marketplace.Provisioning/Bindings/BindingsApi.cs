using System.Security.Claims;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Bindings;

/// <summary>
/// /api/v1/municipalities/{ags}/subscriptions/{id}/bindings: the municipality's access credentials for a subscription.
/// Its users read the list (metadata only); its own buyer-admins create, rotate, delete and reveal (once); everyone else
/// gets 404. The vendor reads the metadata of its own offerings' bindings, never credentials.
/// </summary>
public static class BindingsApi
{
    public static RouteGroupBuilder MapBindings(this RouteGroupBuilder api)
    {
        var bindings = api.MapGroup("/municipalities/{ags}/subscriptions/{id}/bindings");
        api.MapGet("/municipalities/{ags}/subscriptions/{id}/bindings", List).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The subscription's access credentials (service bindings): name, state, dates; never the credentials themselves");
        api.MapPost("/municipalities/{ags}/subscriptions/{id}/bindings", Create).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Creates access credentials for a bindable plan; the broker is asked in the background, the credentials are revealed once when active")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        bindings.MapPost("/{bindingId}/credentials", Reveal).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Shows the credentials of an active binding exactly once; every later call answers 409")
            .ProducesProblem(StatusCodes.Status409Conflict);
        bindings.MapPost("/{bindingId}/rotation", Rotate).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Rotates: new credentials under the same name; the old ones are deleted once the new ones are active")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        bindings.MapDelete("/{bindingId}", Delete).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Deletes the credentials at the broker (retried until it confirms)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/vendors/{vendorId}/subscriptions/{id}/bindings", VendorList).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The bindings of a subscription of the vendor's offering: metadata only");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<BindingView>>, RefusedHttpResult>> List(string ags, string id, ClaimsPrincipal user,
        ProvisioningAccess access, BindingService bindings, CancellationToken ct) =>
        await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused
            ? CodedProblems.Refused(refused) : TypedResults.Ok(await bindings.ListAsync(ags, id, ct));

    private static async Task<Results<Accepted<BindingView>, RefusedHttpResult>> Create(string ags, string id, BindingRequest? request, ClaimsPrincipal user,
        BindingService bindings, CancellationToken ct)
    {
        // Credentials belong to the municipality: its own buyer-admins, not its delegates, create them.
        if (!ProvisioningAccess.OwnMunicipality(user, ags)) return NotFound();
        var created = await bindings.CreateAsync(ags, user.SubjectOf()!, id, request ?? new BindingRequest(null), ct);
        return TypedResults.Accepted($"/api/v1/municipalities/{ags}/subscriptions/{id}/bindings/{created.Id}", created);
    }

    private static async Task<Results<Ok<BindingCredentials>, RefusedHttpResult>> Reveal(string ags, string id, string bindingId, ClaimsPrincipal user,
        BindingService bindings, CancellationToken ct) =>
        ProvisioningAccess.OwnMunicipality(user, ags) ? TypedResults.Ok(await bindings.RevealAsync(ags, user.SubjectOf()!, id, bindingId, ct)) : NotFound();

    private static async Task<Results<Accepted<BindingView>, RefusedHttpResult>> Rotate(string ags, string id, string bindingId, ClaimsPrincipal user,
        BindingService bindings, CancellationToken ct)
    {
        if (!ProvisioningAccess.OwnMunicipality(user, ags)) return NotFound();
        var created = await bindings.RotateAsync(ags, user.SubjectOf()!, id, bindingId, ct);
        return TypedResults.Accepted($"/api/v1/municipalities/{ags}/subscriptions/{id}/bindings/{created.Id}", created);
    }

    private static async Task<Results<Accepted, RefusedHttpResult>> Delete(string ags, string id, string bindingId, ClaimsPrincipal user, BindingService bindings,
        CancellationToken ct)
    {
        if (!ProvisioningAccess.OwnMunicipality(user, ags)) return NotFound();
        await bindings.DeleteAsync(ags, user.SubjectOf()!, id, bindingId, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<Ok<IReadOnlyList<BindingView>>, RefusedHttpResult>> VendorList(string vendorId, string id, ClaimsPrincipal user,
        BindingService bindings, CancellationToken ct) =>
        ProvisioningAccess.ReadsVendor(user, vendorId) ? TypedResults.Ok(await bindings.ListForVendorAsync(vendorId, id, ct)) : NotFound();

    private static RefusedHttpResult NotFound() => CodedProblems.NotFound();
}
