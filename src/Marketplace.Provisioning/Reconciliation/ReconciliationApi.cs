using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Provisioning.Api;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;

namespace Marketplace.Provisioning.Reconciliation;

/// <summary>
/// Reconciliation findings: the platform's readers see all of them, a vendor those of its offerings (with the broker's
/// answer), a municipality those of its own subscription in words, without the broker's answer.
/// </summary>
public static class ReconciliationApi
{
    public static RouteGroupBuilder MapReconciliation(this RouteGroupBuilder api)
    {
        api.MapGet("/admin/reconciliation-findings", All).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("Mismatches between subscriptions and their brokers' instances, newest first (open=true: unresolved only; limit, offset)").ProducesValidationProblem();
        api.MapGet("/vendors/{vendorId}/reconciliation-findings", OfVendor).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Mismatches between the vendor's subscriptions and its brokers' instances, with the broker's answer (limit, offset)").ProducesValidationProblem();
        api.MapGet("/municipalities/{ags}/subscriptions/{id}/findings", OfSubscription).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Mismatches found for the municipality's subscription, in the request's language");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ReconciliationFinding>>> All(bool? open, [AsParameters] PageRequest paging, ReconciliationFindings findings,
        CancellationToken ct)
    {
        var (take, skip) = paging.Of(ProvisioningApi.MaxPage, ProvisioningApi.DefaultPage);
        return TypedResults.Ok(await findings.ListAsync(null, open ?? false, take, skip, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReconciliationFinding>>, RefusedHttpResult>> OfVendor(string vendorId, bool? open,
        [AsParameters] PageRequest paging, ClaimsPrincipal user, ReconciliationFindings findings, CancellationToken ct)
    {
        if (!ProvisioningAccess.ReadsVendor(user, vendorId)) return CodedProblems.NotFound();
        var (take, skip) = paging.Of(ProvisioningApi.MaxPage, ProvisioningApi.DefaultPage);
        return TypedResults.Ok(await findings.ListAsync(vendorId, open ?? false, take, skip, ct));
    }

    private static async Task<Results<Ok<List<BuyerFinding>>, RefusedHttpResult>> OfSubscription(string ags, string id, ClaimsPrincipal user,
        ProvisioningAccess access, SubscriptionService subscriptions, ReconciliationFindings findings, IStringLocalizerFactory factory, CancellationToken ct)
    {
        if (await access.RefusalAsync(user, ags, MunicipalityPermission.View, ct) is { } refused) return CodedProblems.Refused(refused);
        await subscriptions.GetAsync(ags, id, ct); // another municipality's subscription: 404
        var texts = factory.Create("SharedResource", "Marketplace.Web");
        return TypedResults.Ok((await findings.OfSubscriptionAsync(id, ct))
            .Select(f => new BuyerFinding(f.Id, f.SubscriptionId, f.Kind, f.FoundAt, f.ResolvedAt, texts["Finding." + f.Kind].Value)).ToList());
    }
}
