using System.Security.Claims;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
            .WithSummary("The vendor's broker connections; secrets only as set or not").Produces<IReadOnlyList<BrokerConnectionView>>();
        api.MapPost("/vendors/{vendorId}/broker-connections", Create).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Creates a broker connection (HTTP Basic or OAuth 2 client credentials); the secret is stored encrypted")
            .Produces<BrokerConnectionView>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/{id}", Get).RequireAuthorization(Policies.VendorUser).Produces<BrokerConnectionView>();
        group.MapPut("/{id}", Update).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Changes a connection; an omitted secret stays, nextSecret starts a rotation that a successful check completes")
            .Produces<BrokerConnectionView>().ProducesValidationProblem();
        group.MapDelete("/{id}", Delete).RequireAuthorization(Policies.VendorAdmin).Produces(StatusCodes.Status204NoContent);
        group.MapPost("/{id}/check", Check).RequireAuthorization(Policies.VendorAdmin)
            .WithSummary("Verbindung prüfen: reads the broker's GET /v2/catalog with the connection's credentials; each finding with its reason")
            .Produces<ConnectionCheck>();
        return api;
    }

    private static async Task<IResult> List(string vendorId, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? Results.Ok(await connections.ListAsync(vendorId, ct)) : Results.NotFound();

    private static async Task<IResult> Get(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? Results.Ok(await connections.GetAsync(vendorId, id, ct)) : Results.NotFound();

    private static async Task<IResult> Create(string vendorId, BrokerConnectionInput input, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return Results.NotFound();
        var created = await connections.CreateAsync(vendorId, user.SubjectOf()!, input, ct);
        return Results.Created($"/api/v1/vendors/{vendorId}/broker-connections/{created.Id}", created);
    }

    private static async Task<IResult> Update(string vendorId, string id, BrokerConnectionInput input, ClaimsPrincipal user, BrokerConnections connections,
        CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? Results.Ok(await connections.UpdateAsync(vendorId, id, user.SubjectOf()!, input, ct)) : Results.NotFound();

    private static async Task<IResult> Delete(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId)) return Results.NotFound();
        await connections.DeleteAsync(vendorId, id, user.SubjectOf()!, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> Check(string vendorId, string id, ClaimsPrincipal user, BrokerConnections connections, CancellationToken ct) =>
        TenantAccess.ActsForVendor(user, vendorId) ? Results.Ok(await connections.CheckAsync(vendorId, id, user.SubjectOf()!, ct)) : Results.NotFound();
}
