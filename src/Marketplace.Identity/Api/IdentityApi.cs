using System.Security.Claims;
using Marketplace.Identity.Access;
using Marketplace.Identity.Clients;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Server;
using Marketplace.Identity.Users;
using Marketplace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Api;

/// <summary>
/// The identity API under /api/v1: who am I, organisations, users and invitations, API clients, delegations. Every
/// endpoint names its policy; resources of another tenant answer 404.
/// </summary>
public static class IdentityApi
{
    public static void MapIdentityApi(this IEndpointRouteBuilder app)
    {
        app.MapOidcEndpoints();
        // Another tenant's resource is not found; a bare 404 becomes a problem on the way out (UseStatusCodePages).
        var api = app.MapGroup("/api/v1").WithTags(ApiTags.Identity).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/organisations/me", Me).RequireAuthorization(Policies.Authenticated)
            .WithName("GetMyOrganisation").WithSummary("Who the caller is and the organisation it acts for");
        api.MapGet("/organisations", ListOrganisations).RequireAuthorization(Policies.PlatformReader)
            .WithSummary("All organisations (auditors and platform admins)");
        api.MapPost("/organisations", CreateOrganisation).RequireAuthorization(Policies.PlatformAdmin)
            .WithSummary("Registers a municipality, vendor, bundling organisation or platform organisation").ProducesValidationProblem();
        api.MapGet("/organisations/{id}", GetOrganisation).RequireAuthorization(Policies.Authenticated)
            .WithSummary("An organisation, for its members and the platform");

        api.MapGet("/organisations/{id}/users", ListUsers).RequireAuthorization(Policies.OrganisationAdmin);
        api.MapPut("/organisations/{id}/users/{userId}/role", ChangeRole).RequireAuthorization(Policies.OrganisationAdmin).ProducesValidationProblem();
        api.MapDelete("/organisations/{id}/users/{userId}", RemoveUser).RequireAuthorization(Policies.OrganisationAdmin);
        api.MapGet("/organisations/{id}/invitations", ListInvitations).RequireAuthorization(Policies.OrganisationAdmin);
        api.MapPost("/organisations/{id}/invitations", Invite).RequireAuthorization(Policies.OrganisationAdmin)
            .WithSummary("Invites someone by e-mail into the organisation with a role").ProducesValidationProblem();
        api.MapDelete("/organisations/{id}/invitations/{invitationId}", RevokeInvitation).RequireAuthorization(Policies.OrganisationAdmin);

        api.MapGet("/organisations/{id}/clients", ListClients).RequireAuthorization(Policies.OrganisationAdmin);
        api.MapPost("/organisations/{id}/clients", CreateClient).RequireAuthorization(Policies.OrganisationAdmin)
            .WithSummary("Registers a machine client (client credentials); the secret is in this answer only").ProducesValidationProblem();
        api.MapDelete("/organisations/{id}/clients/{clientId}", DeleteClient).RequireAuthorization(Policies.OrganisationAdmin);

        api.MapGet("/municipalities/{ags}/organisation", GetMunicipality).RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's organisation data (Leitweg-ID, invoice address) for its users, its delegates and the platform");
        api.MapPut("/municipalities/{ags}/billing", UpdateBilling).RequireAuthorization(Policies.BuyerAdmin).ProducesValidationProblem();
        api.MapGet("/municipalities/{ags}/delegations", ListDelegations).RequireAuthorization(Policies.Authenticated);
        api.MapPost("/municipalities/{ags}/delegations", Grant).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Delegates to a bundling organisation with explicit permissions").ProducesValidationProblem();
        api.MapDelete("/municipalities/{ags}/delegations/{delegationId}", Revoke).RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("Revokes a delegation; it stops working at once");
        api.MapGet("/delegations/received", Received).RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("The municipalities the caller's bundling organisation acts for");

        api.MapGet("/vendors/{vendorId}/organisation", GetVendor).RequireAuthorization(Policies.Authenticated);
        api.MapPut("/vendors/{vendorId}/organisation", UpdateVendor).RequireAuthorization(Policies.VendorAdmin).ProducesValidationProblem();
    }

    public sealed record MeResponse(string Subject, string? Name, string? Email, IReadOnlyList<string> Roles, OrganisationResponse? Organisation);
    public sealed record OrganisationResponse(string Id, string Kind, string Name, string? Ags, string? LandCode, string? LeitwegId,
        AddressResponse? Billing, string? VendorId, string? LegalName, string? VatId, string? TaxNumber, string? BundlerType);
    public sealed record AddressResponse(string? Recipient, string? Street, string? PostalCode, string? City);
    public sealed record InvitationRequest(string Email, string Role);
    public sealed record RoleRequest(string Role);
    public sealed record ClientRequest(string DisplayName, string Role);
    public sealed record ClientCreatedResponse(string ClientId, string ClientSecret, string DisplayName, string Role);
    public sealed record DelegationRequest(string BundlerOrganisationId, bool Order, bool Configure, bool ViewInvoices);
    public sealed record DelegationResponse(string Id, string MunicipalityAgs, string MunicipalityName, string BundlerOrganisationId, string BundlerName,
        bool Order, bool Configure, bool ViewInvoices, DateTimeOffset GrantedAt);
    public sealed record VendorOrganisationResponse(OrganisationResponse Organisation, IReadOnlyList<OrganisationContact> Contacts);
    public sealed record VendorRequest(string LegalName, string? VatId, string? TaxNumber, IReadOnlyList<OrganisationContact>? Contacts);

    private static async Task<Ok<MeResponse>> Me(ClaimsPrincipal user, OrganisationStore organisations)
    {
        var org = user.OrganisationOf() is { } id ? await organisations.GetAsync(id) : null;
        return TypedResults.Ok(new MeResponse(user.SubjectOf()!, user.FindFirst(MarketplaceClaims.Name)?.Value, user.FindFirst(MarketplaceClaims.Email)?.Value,
            user.FindAll(MarketplaceClaims.Role).Select(c => c.Value).ToList(), org is null ? null : ToResponse(org)));
    }

    private static async Task<Ok<IEnumerable<OrganisationResponse>>> ListOrganisations(OrganisationStore organisations, string? kind) =>
        TypedResults.Ok((await organisations.ListAsync(kind)).Select(ToResponse));

    private static async Task<Created<OrganisationResponse>> CreateOrganisation(NewOrganisation request, ClaimsPrincipal user, OrganisationStore organisations)
    {
        var org = await organisations.CreateAsync(request with { Id = null }, Actor.Of(user));
        return TypedResults.Created($"/api/v1/organisations/{org.Id}", ToResponse(org));
    }

    private static async Task<Results<Ok<OrganisationResponse>, NotFound>> GetOrganisation(string id, ClaimsPrincipal user, OrganisationStore organisations)
    {
        if (!TenantAccess.BelongsTo(user, id) && !TenantAccess.ReadsAll(user)) return TypedResults.NotFound();
        return await organisations.GetAsync(id) is { } org ? TypedResults.Ok(ToResponse(org)) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<IReadOnlyList<OrganisationMember>>, NotFound>> ListUsers(string id, ClaimsPrincipal user, UserAdministration users) =>
        TenantAccess.AdministersOrganisation(user, id) ? TypedResults.Ok(await users.MembersAsync(id)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> ChangeRole(string id, string userId, RoleRequest request, ClaimsPrincipal user, UserAdministration users)
    {
        if (!TenantAccess.AdministersOrganisation(user, id)) return TypedResults.NotFound();
        return await users.ChangeRoleAsync(id, userId, request.Role, Actor.Of(user)) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> RemoveUser(string id, string userId, ClaimsPrincipal user, UserAdministration users)
    {
        if (!TenantAccess.AdministersOrganisation(user, id)) return TypedResults.NotFound();
        return await users.RemoveAsync(id, userId, Actor.Of(user)) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<IReadOnlyList<Invitation>>, NotFound>> ListInvitations(string id, ClaimsPrincipal user, UserAdministration users) =>
        TenantAccess.AdministersOrganisation(user, id) ? TypedResults.Ok(await users.OpenInvitationsAsync(id)) : TypedResults.NotFound();

    private static async Task<Results<Created<Invitation>, NotFound>> Invite(string id, InvitationRequest request, ClaimsPrincipal user, UserAdministration users, OrganisationStore organisations,
        HttpRequest http, IOptions<IdentityModuleOptions> options)
    {
        if (!TenantAccess.AdministersOrganisation(user, id) || await organisations.GetAsync(id) is null) return TypedResults.NotFound();
        var (invitation, _) = await users.InviteAsync(id, request.Email ?? "", request.Role ?? "", Actor.Of(user), IdentityModule.InvitationBaseUrl(http, options.Value));
        return TypedResults.Created($"/api/v1/organisations/{id}/invitations/{invitation.Id}", invitation);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeInvitation(string id, string invitationId, ClaimsPrincipal user, UserAdministration users)
    {
        if (!TenantAccess.AdministersOrganisation(user, id)) return TypedResults.NotFound();
        return await users.RevokeInvitationAsync(id, invitationId, Actor.Of(user)) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<IReadOnlyList<ApiClient>>, NotFound>> ListClients(string id, ClaimsPrincipal user, ApiClientStore clients) =>
        TenantAccess.AdministersOrganisation(user, id) ? TypedResults.Ok(await clients.ListAsync(id)) : TypedResults.NotFound();

    private static async Task<Results<Created<ClientCreatedResponse>, NotFound>> CreateClient(string id, ClientRequest request, ClaimsPrincipal user, ApiClientStore clients, OrganisationStore organisations)
    {
        if (!TenantAccess.AdministersOrganisation(user, id) || await organisations.GetAsync(id) is null) return TypedResults.NotFound();
        var (client, secret) = await clients.CreateAsync(id, request.DisplayName ?? "", request.Role ?? "", Actor.Of(user));
        return TypedResults.Created($"/api/v1/organisations/{id}/clients/{client.ClientId}", new ClientCreatedResponse(client.ClientId, secret, client.DisplayName, client.Role));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteClient(string id, string clientId, ClaimsPrincipal user, ApiClientStore clients)
    {
        if (!TenantAccess.AdministersOrganisation(user, id)) return TypedResults.NotFound();
        return await clients.DeleteAsync(id, clientId, Actor.Of(user)) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<OrganisationResponse>, NotFound>> GetMunicipality(string ags, ClaimsPrincipal user, TenantAccess access, OrganisationStore organisations)
    {
        if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.View)) return TypedResults.NotFound();
        return await organisations.GetByAgsAsync(ags) is { } org ? TypedResults.Ok(ToResponse(org)) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<OrganisationResponse>, NotFound>> UpdateBilling(string ags, BillingDetails request, ClaimsPrincipal user, OrganisationStore organisations)
    {
        // The invoice address is the municipality's own business: its buyer-admins, not its delegates.
        if (user.AgsOf() != ags || await organisations.GetByAgsAsync(ags) is not { } org || org.Id != user.OrganisationOf()) return TypedResults.NotFound();
        return TypedResults.Ok(ToResponse(await organisations.UpdateBillingAsync(org.Id, request, Actor.Of(user))));
    }

    private static async Task<Results<Ok<IEnumerable<DelegationResponse>>, NotFound>> ListDelegations(string ags, ClaimsPrincipal user, OrganisationStore organisations, DelegationStore delegations)
    {
        var own = user.OrganisationKindOf() == OrganisationKinds.Municipality && user.AgsOf() == ags;
        if ((!own && !TenantAccess.ReadsAll(user)) || await organisations.GetByAgsAsync(ags) is not { } org) return TypedResults.NotFound();
        return TypedResults.Ok((await delegations.ActiveOfMunicipalityAsync(org.Id)).Select(ToResponse));
    }

    private static async Task<Results<Created<DelegationResponse>, NotFound>> Grant(string ags, DelegationRequest request, ClaimsPrincipal user, OrganisationStore organisations, DelegationStore delegations)
    {
        if (user.AgsOf() != ags || await organisations.GetByAgsAsync(ags) is not { } org || org.Id != user.OrganisationOf()) return TypedResults.NotFound();
        var d = await delegations.GrantAsync(org, request.BundlerOrganisationId ?? "", new DelegationGrant(request.Order, request.Configure, request.ViewInvoices), Actor.Of(user));
        return TypedResults.Created($"/api/v1/municipalities/{ags}/delegations/{d.Id}", ToResponse(d));
    }

    private static async Task<Results<NoContent, NotFound>> Revoke(string ags, string delegationId, ClaimsPrincipal user, OrganisationStore organisations, DelegationStore delegations)
    {
        if (user.AgsOf() != ags || await organisations.GetByAgsAsync(ags) is not { } org || org.Id != user.OrganisationOf()) return TypedResults.NotFound();
        return await delegations.RevokeAsync(org.Id, delegationId, Actor.Of(user)) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Ok<IEnumerable<DelegationResponse>>> Received(ClaimsPrincipal user, DelegationStore delegations) =>
        TypedResults.Ok((await delegations.ActiveToBundlerAsync(user.OrganisationOf() ?? "")).Select(ToResponse));

    private static async Task<Results<Ok<VendorOrganisationResponse>, NotFound>> GetVendor(string vendorId, ClaimsPrincipal user, OrganisationStore organisations)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId) && !TenantAccess.ReadsAll(user)) return TypedResults.NotFound();
        if (await organisations.GetByVendorAsync(vendorId) is not { } org) return TypedResults.NotFound();
        return TypedResults.Ok(new VendorOrganisationResponse(ToResponse(org), await organisations.ContactsAsync(org.Id)));
    }

    private static async Task<Results<Ok<OrganisationResponse>, NotFound>> UpdateVendor(string vendorId, VendorRequest request, ClaimsPrincipal user, OrganisationStore organisations)
    {
        if (!TenantAccess.ActsForVendor(user, vendorId) || await organisations.GetByVendorAsync(vendorId) is not { } org) return TypedResults.NotFound();
        var updated = await organisations.UpdateVendorDetailsAsync(org.Id,
            new VendorDetails(request.LegalName ?? "", request.VatId, request.TaxNumber, request.Contacts ?? []), Actor.Of(user));
        return TypedResults.Ok(ToResponse(updated));
    }

    private static OrganisationResponse ToResponse(Organisation o) => new(o.Id, o.Kind, o.Name, o.MunicipalityAgs, o.LandCode, o.LeitwegId,
        o.IsMunicipality ? new AddressResponse(o.BillingRecipient, o.BillingStreet, o.BillingPostalCode, o.BillingCity) : null,
        o.VendorId, o.LegalName, o.VatId, o.TaxNumber, o.BundlerType);

    private static DelegationResponse ToResponse(Delegation d) => new(d.Id, d.MunicipalityAgs, d.MunicipalityName, d.BundlerOrganisationId, d.BundlerName,
        d.CanOrder, d.CanConfigure, d.CanViewInvoices, d.GrantedAt);
}
