using System.Security.Claims;
using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.Residency;

/// <summary>
/// A municipality's data policy (its members read, its buyer-admin writes; anyone else: not found) and a bundling
/// organisation's recommendation (its bundler-admin reads and writes).
/// </summary>
public static class DataPolicyApi
{
    /// <summary>The rules; an omitted rule is off.</summary>
    public sealed record DataPolicyRequest(bool? OnlyGermany, bool? OnlyOwnLand, bool? PublicOperatorsOnly, bool? NoThirdCountryAccess)
    {
        public DataPolicy ToPolicy() => new(OnlyGermany == true, OnlyOwnLand == true, PublicOperatorsOnly == true, NoThirdCountryAccess == true);
    }

    private static readonly FieldError RulesMissing = FieldError.Coded("onlyGermany", "data-policy.rules-missing", "Regeln angeben (true oder false).");

    internal static void MapDataPolicies(RouteGroupBuilder api)
    {
        api.MapGet("/municipalities/{ags}/data-policy", async (string ags, ClaimsPrincipal user, TenantAccess access, DataPolicies policies, CancellationToken ct) =>
            {
                if (!await access.CanActForMunicipalityAsync(user, ags, MunicipalityPermission.View, ct)) throw new NotFoundException("municipality", ags);
                return Results.Ok(await policies.GetAsync(ags, ct));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's data policy and the recommendations of its bundling organisations (its members, delegates, auditors)")
            .Produces<DataPolicyView>();
        api.MapPut("/municipalities/{ags}/data-policy", async (string ags, DataPolicyRequest? body, ClaimsPrincipal user, TenantAccess access,
                DataPolicies policies, CancellationToken ct) =>
            {
                await RequireOwnBuyerAdminAsync(user, access, ags, ct);
                if (body is null) throw new RequestValidationException([RulesMissing]);
                return Results.Ok(await policies.SetAsync(ags, body.ToPolicy(), user.SubjectOf()!, user.OrganisationOf(), ct));
            })
            .RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The municipality's buyer-admin sets its data policy (audited); offerings that do not fit need an exception to be ordered")
            .Produces<DataPolicyView>().ProducesValidationProblem();

        api.MapGet("/bundlers/{organisationId}/data-policy-recommendation", async (string organisationId, ClaimsPrincipal user, DataPolicies policies,
                CancellationToken ct) =>
            {
                if (!TenantAccess.BelongsTo(user, organisationId) && !TenantAccess.ReadsAll(user)) throw new NotFoundException("organisation", organisationId);
                return await policies.RecommendationAsync(organisationId, ct) is { } r ? Results.Ok(r) : throw new NotFoundException("recommendation", organisationId);
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The data policy a bundling organisation recommends to its municipalities").Produces<PolicyRecommendation>();
        api.MapPut("/bundlers/{organisationId}/data-policy-recommendation", async (string organisationId, DataPolicyRequest? body, ClaimsPrincipal user,
                DataPolicies policies, CancellationToken ct) =>
            {
                if (!TenantAccess.BelongsTo(user, organisationId) || user.OrganisationKindOf() != OrganisationKinds.Bundler)
                    throw new NotFoundException("organisation", organisationId);
                if (body is null) throw new RequestValidationException([RulesMissing]);
                return Results.Ok(await policies.RecommendAsync(organisationId, body.ToPolicy(), user.SubjectOf()!, ct));
            })
            .RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("A bundler-admin recommends a data policy to the municipalities that delegate to the organisation (audited)")
            .Produces<PolicyRecommendation>().ProducesValidationProblem();
    }

    /// <summary>Only the municipality's own buyer-admin writes its policy: another tenant gets 404, a delegate or reader 403.</summary>
    public static async Task RequireOwnBuyerAdminAsync(ClaimsPrincipal user, TenantAccess access, string ags, CancellationToken ct,
        string refusal = "Nur die Einkaufsverantwortlichen der Kommune legen ihre Datenrichtlinie fest.")
    {
        if (await access.PermissionsForMunicipalityAsync(user, ags, ct) == MunicipalityPermission.None) throw new NotFoundException("municipality", ags);
        if (user.OrganisationKindOf() != OrganisationKinds.Municipality || user.AgsOf() != ags || !user.HasRole(Roles.BuyerAdmin))
            throw new ForbiddenException(refusal);
    }
}
