using System.Security.Claims;
using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
        api.MapGet("/municipalities/{ags}/data-policy", async Task<Ok<DataPolicyView>> (string ags, ClaimsPrincipal user, ProvisioningAccess access, DataPolicies policies,
                CancellationToken ct) =>
            {
                if (!await access.SeesMunicipalityAsync(user, ags, ct)) throw new NotFoundException("municipality", ags);
                return TypedResults.Ok(await policies.GetAsync(ags, ct));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The municipality's data policy and the recommendations of its bundling organisations (its members, delegates, auditors)");
        api.MapPut("/municipalities/{ags}/data-policy", async Task<Ok<DataPolicyView>> (string ags, DataPolicyRequest? body, ClaimsPrincipal user, ProvisioningAccess access,
                DataPolicies policies, CancellationToken ct) =>
            {
                await access.RequireOwnBuyerAdminAsync(user, ags, ct);
                if (body is null) throw new RequestValidationException([RulesMissing]);
                return TypedResults.Ok(await policies.SetAsync(ags, body.ToPolicy(), user.SubjectOf()!, user.OrganisationOf(), ct));
            })
            .RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The municipality's buyer-admin sets its data policy (audited); offerings that do not fit need an exception to be ordered")
            .ProducesValidationProblem();

        api.MapGet("/bundlers/{organisationId}/data-policy-recommendation", async Task<Ok<PolicyRecommendation>> (string organisationId, ClaimsPrincipal user, DataPolicies policies,
                CancellationToken ct) =>
            {
                if (!TenantAccess.BelongsTo(user, organisationId) && !TenantAccess.ReadsAll(user)) throw new NotFoundException("organisation", organisationId);
                return await policies.RecommendationAsync(organisationId, ct) is { } r ? TypedResults.Ok(r) : throw new NotFoundException("recommendation", organisationId);
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The data policy a bundling organisation recommends to its municipalities");
        api.MapPut("/bundlers/{organisationId}/data-policy-recommendation", async Task<Ok<PolicyRecommendation>> (string organisationId, DataPolicyRequest? body, ClaimsPrincipal user,
                DataPolicies policies, CancellationToken ct) =>
            {
                if (!TenantAccess.BelongsTo(user, organisationId) || user.OrganisationKindOf() != OrganisationKinds.Bundler)
                    throw new NotFoundException("organisation", organisationId);
                if (body is null) throw new RequestValidationException([RulesMissing]);
                return TypedResults.Ok(await policies.RecommendAsync(organisationId, body.ToPolicy(), user.SubjectOf()!, ct));
            })
            .RequireAuthorization(Policies.BundlerAdmin)
            .WithSummary("A bundler-admin recommends a data policy to the municipalities that delegate to the organisation (audited)")
            .ProducesValidationProblem();
    }
}
