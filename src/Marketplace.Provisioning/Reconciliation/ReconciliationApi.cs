using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Provisioning.Api;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
            .WithSummary("Mismatches between subscriptions and their brokers' instances, newest first (open=true: unresolved only)")
            .Produces<IReadOnlyList<ReconciliationFinding>>();
        api.MapGet("/vendors/{vendorId}/reconciliation-findings", OfVendor).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Mismatches between the vendor's subscriptions and its brokers' instances, with the broker's answer")
            .Produces<IReadOnlyList<ReconciliationFinding>>();
        api.MapGet("/municipalities/{ags}/subscriptions/{id}/findings", OfSubscription).RequireAuthorization(Policies.Authenticated)
            .WithSummary("Mismatches found for the municipality's subscription, in the request's language").Produces<IReadOnlyList<BuyerFinding>>();
        return api;
    }

    private static async Task<IResult> All(bool? open, int? limit, int? offset, ReconciliationFindings findings, CancellationToken ct) =>
        Results.Ok(await findings.ListAsync(null, open ?? false, Math.Clamp(limit ?? 100, 1, 500), Math.Max(0, offset ?? 0), ct));

    private static async Task<IResult> OfVendor(string vendorId, bool? open, int? limit, int? offset, ClaimsPrincipal user, ReconciliationFindings findings,
        CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) || TenantAccess.ReadsAll(user)
            ? Results.Ok(await findings.ListAsync(vendorId, open ?? false, Math.Clamp(limit ?? 100, 1, 500), Math.Max(0, offset ?? 0), ct))
            : CodedProblems.NotFound();

    private static async Task<IResult> OfSubscription(string ags, string id, ClaimsPrincipal user, TenantAccess access, SubscriptionService subscriptions,
        ReconciliationFindings findings, IStringLocalizerFactory factory, CancellationToken ct)
    {
        if (await ProvisioningApi.RefusedAsync(user, ags, MunicipalityPermission.View, access, ct) is { } refused) return refused;
        await subscriptions.GetAsync(ags, id, ct); // another municipality's subscription: 404
        var texts = factory.Create("SharedResource", "Marketplace.Web");
        return Results.Ok((await findings.OfSubscriptionAsync(id, ct))
            .Select(f => new BuyerFinding(f.Id, f.SubscriptionId, f.Kind, f.FoundAt, f.ResolvedAt, texts["Finding." + f.Kind].Value)).ToList());
    }
}
