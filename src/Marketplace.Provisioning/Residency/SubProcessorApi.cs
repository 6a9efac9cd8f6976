using System.Security.Claims;
using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Residency;

/// <summary>
/// Sub-processors as they stand (public), a subscribed municipality's view with its objections (its members), objecting and
/// withdrawing an objection (its own buyer-admin, within the period) and the objections to a vendor's offering (that vendor only).
/// </summary>
public static class SubProcessorApi
{
    internal static void MapSubProcessors(RouteGroupBuilder api)
    {
        api.MapGet("/offerings/{offeringId}/sub-processors", async Task<Ok<SubProcessorStatus>> (string offeringId, [FromServices] ISubProcessorHistory history,
                OfferingDirectory offerings, CancellationToken ct) =>
                await offerings.GetAsync(offeringId, ct) is null ? throw new NotFoundException("offering", offeringId) : TypedResults.Ok(await history.ForOfferingAsync(offeringId, ct)))
            .AllowAnonymous()
            .WithSummary("The offering's sub-processors in force, the announced changes with the day each takes effect, and the history");

        api.MapGet("/municipalities/{ags}/subscriptions/{id}/sub-processors", async Task<Ok<SubProcessorsOfSubscription>> (string ags, string id, ClaimsPrincipal user,
                ProvisioningAccess access,
                SubProcessorObjections objections, CancellationToken ct) =>
            {
                if (!await access.SeesMunicipalityAsync(user, ags, ct)) throw new NotFoundException("municipality", ags);
                return await objections.ForSubscriptionAsync(ags, id, ct) is { } view ? TypedResults.Ok(view) : throw new NotFoundException("subscription", id);
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The sub-processors of a subscribed offering: in force, pending changes with their effective day, history, the municipality's objections");

        api.MapPost("/municipalities/{ags}/sub-processor-objections", async Task<Created<SubProcessorObjection>> (string ags, ObjectionRequest? body, ClaimsPrincipal user,
                ProvisioningAccess access,
                SubProcessorObjections objections, CancellationToken ct) =>
            {
                await access.RequireOwnBuyerAdminAsync(user, ags, ct,
                    new ForbiddenException("Nur die Einkaufsverantwortlichen der Kommune widersprechen einer Änderung der Unterauftragsverarbeiter.")
                        { Code = "objection.buyer-admins-only" });
                var objection = await objections.ObjectAsync(ags, user.SubjectOf()!, body ?? new ObjectionRequest(null, null, null), ct);
                return TypedResults.Created($"/api/v1/municipalities/{ags}/subscriptions/{objection.SubscriptionId}/sub-processors", objection);
            })
            .RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The municipality's buyer-admin objects, with a reason, to an announced change of sub-processors within the objection period (audited)")
            .WithDescription("The answer's exit names how the municipality leaves before the change takes effect: cancelling the subscription (DELETE on it) is immediate, without notice period or minimum term, and nothing is charged from the cancellation on.")
            .ProducesValidationProblem();

        api.MapDelete("/municipalities/{ags}/sub-processor-objections/{objectionId}", async Task<NoContent> (string ags, string objectionId, ClaimsPrincipal user,
                ProvisioningAccess access, SubProcessorObjections objections, CancellationToken ct) =>
            {
                await access.RequireOwnBuyerAdminAsync(user, ags, ct,
                    new ForbiddenException("Nur die Einkaufsverantwortlichen der Kommune nehmen einen Widerspruch zurück.") { Code = "objection.withdraw-buyer-admins-only" });
                await objections.WithdrawAsync(ags, user.SubjectOf()!, objectionId, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The municipality's buyer-admin withdraws its own objection while the change is still pending (audited)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/vendors/{vendorId}/offerings/{offeringId}/sub-processor-objections", async Task<Ok<IReadOnlyList<SubProcessorObjection>>> (string vendorId, string offeringId, ClaimsPrincipal user,
                OfferingDirectory offerings, SubProcessorObjections objections, CancellationToken ct) =>
            {
                if (!TenantAccess.ActsForVendor(user, vendorId) && !TenantAccess.ReadsAll(user)) throw new NotFoundException("vendor", vendorId);
                if (await offerings.GetAsync(offeringId, ct) is not { } offering || offering.VendorId != vendorId) throw new NotFoundException("offering", offeringId);
                return TypedResults.Ok(await objections.ForOfferingAsync(offeringId, ct));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The objections of subscribed municipalities to the sub-processor changes of the vendor's own offering");
    }
}
