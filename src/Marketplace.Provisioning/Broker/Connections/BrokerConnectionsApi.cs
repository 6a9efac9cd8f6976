using System.Security.Claims;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Broker.Connections;

/// <summary>
/// /api/v1/vendors/{vendorId}/broker-connections: a vendor's admins manage the connections to their brokers and check them;
/// the vendor's users read them. Secrets go in and never come out; another vendor's connection answers 404.
/// </summary>
public static class BrokerConnectionsApi
{
    public static RouteGroupBuilder MapBrokerConnections(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/vendors/{vendorId}/broker-connections");
        api.MapGet("/vendors/{vendorId}/broker-connections", List).RequireAuthorization(Policies.VendorUser)
            .WithSummary("The vendor's broker connections; secrets only as set or not");
        api.MapPost("/vendors/{vendorId}/broker-connections", Create).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Creates a broker connection (HTTP Basic or OAuth 2 client credentials); the secret is stored encrypted")
            .ProducesValidationProblem();
        group.MapGet("/{id}", Get).RequireAuthorization(Policies.VendorUser);
        group.MapPut("/{id}", Update).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Changes a connection; an omitted secret stays, nextSecret starts a rotation that a successful check completes")
            .ProducesValidationProblem();
        group.MapDelete("/{id}", Delete).RequireAuthorization(Policies.VendorAdmin);
        group.MapPost("/{id}/check", Check).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Verbindung prüfen: reads the broker's GET /v2/catalog with the connection's credentials; each finding with its reason");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<BrokerConnectionView>>, NotFound>> List(string vendorId, ClaimsPrincipal user,
        BrokerConnections connections, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? TypedResults.Ok(await connections.ListAsync(vendorId, ct)) : TypedResults.NotFound();

    private static async Task<Results<Ok<BrokerConnectionView>, NotFound>> Get(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections,
        CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? TypedResults.Ok(await connections.GetAsync(vendorId, id, ct)) : TypedResults.NotFound();

    private static async Task<Results<Created<BrokerConnectionView>, NotFound>> Create(string vendorId, BrokerConnectionInput input, ClaimsPrincipal user,
        BrokerConnections connections, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return TypedResults.NotFound();
        var created = await connections.CreateAsync(vendorId, user.SubjectOf()!, input, ct);
        return TypedResults.Created($"/api/v1/vendors/{vendorId}/broker-connections/{created.Id}", created);
    }

    private static async Task<Results<Ok<BrokerConnectionView>, NotFound>> Update(string vendorId, string id, BrokerConnectionInput input, ClaimsPrincipal user,
        BrokerConnections connections, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? TypedResults.Ok(await connections.UpdateAsync(vendorId, id, user.SubjectOf()!, input, ct)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> Delete(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return TypedResults.NotFound();
        await connections.DeleteAsync(vendorId, id, user.SubjectOf()!, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ConnectionCheck>, NotFound>> Check(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections,
        CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? TypedResults.Ok(await connections.CheckAsync(vendorId, id, user.SubjectOf()!, ct)) : TypedResults.NotFound();
}
