using System.Security.Claims;
using Marketplace.Catalog.BackOffice;
using Marketplace.Catalog.Descriptors;
using Marketplace.Catalog.Municipalities;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Provisioning.BackOffice;

/// <summary>
/// The Fachverfahren reference data (signed-in users), a municipality's recorded Fachverfahren (its members, delegates and
/// auditors read; its own buyer-admin writes; anyone else, vendors included: not found) and an offering's fit to them.
/// </summary>
public static class FachverfahrenApi
{
    /// <summary>The products to record; the list replaces the municipality's whole list.</summary>
    public sealed record FachverfahrenRequest(IReadOnlyList<RecordedProductRequest>? Products);

    /// <summary>The reference data: interface standards with versions, areas with products, manufacturers and product versions.</summary>
    public sealed record ReferenceResponse(IReadOnlyList<SchnittstelleDescriptor> Interfaces, IReadOnlyList<FachverfahrenAreaDescriptor> Areas);

    /// <summary>An offering's fit for the municipality: fits, adapter or none; null status when the municipality recorded nothing the offering delivers to.</summary>
    public sealed record FitResponse(string OfferingId, string? Status, IReadOnlyList<AreaFit> Areas, IReadOnlyList<string> AdapterAddOnIds);

    internal static void MapFachverfahren(RouteGroupBuilder api)
    {
        api.MapGet("/fachverfahren", async Task<Ok<ReferenceResponse>> (MunicipalityFachverfahren fachverfahren, CancellationToken ct) =>
            {
                var r = await fachverfahren.ReferenceAsync(ct);
                return TypedResults.Ok(new ReferenceResponse(r.Interfaces, r.Areas));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The Fachverfahren reference data: interface standards (XMeld, XKfz … FIT-Connect) with versions, and per area the products, manufacturers and product versions with the standards each receives");

        api.MapGet("/municipalities/{ags}/fachverfahren", async Task<Ok<FachverfahrenView>> (string ags, ClaimsPrincipal user, ProvisioningAccess access,
                MunicipalityFachverfahren fachverfahren,
                CancellationToken ct) =>
            {
                if (!await access.SeesMunicipalityAsync(user, ags, ct)) throw new NotFoundException("municipality", ags);
                return TypedResults.Ok(await fachverfahren.GetAsync(ags, ct));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("The Fachverfahren (product and version per area) the municipality runs (its members, delegates, auditors)");

        api.MapPut("/municipalities/{ags}/fachverfahren", async Task<Ok<FachverfahrenView>> (string ags, FachverfahrenRequest? body, ClaimsPrincipal user, ProvisioningAccess access,
                MunicipalityFachverfahren fachverfahren, CancellationToken ct) =>
            {
                await access.RequireOwnBuyerAdminAsync(user, ags, ct,
                    new ForbiddenException("Nur die Einkaufsverantwortlichen der Kommune erfassen ihre Fachverfahren.") { Code = "fachverfahren.buyer-admins-only" });
                if (body?.Products is not { } products) throw new RequestValidationException([FieldError.Required("products")]);
                return TypedResults.Ok(await fachverfahren.SetAsync(ags, products, user.SubjectOf()!, user.OrganisationOf(), ct));
            })
            .RequireAuthorization(Policies.BuyerAdmin)
            .WithSummary("The municipality's buyer-admin records the Fachverfahren it runs (replaces the list; one transaction; audited)")
            .ProducesValidationProblem();

        api.MapGet("/municipalities/{ags}/offerings/{offeringId}/back-office-fit", async Task<Ok<FitResponse>> (string ags, string offeringId, string? planId,
                ClaimsPrincipal user, ProvisioningAccess access, OfferingDirectory offerings, MunicipalityFachverfahren fachverfahren, CancellationToken ct) =>
            {
                if (!await access.SeesMunicipalityAsync(user, ags, ct)) throw new NotFoundException("municipality", ags);
                if (await offerings.GetAsync(offeringId, ct) is not { } offering) throw new NotFoundException("offering", offeringId);
                var fit = await fachverfahren.FitAsync(ags, offering.Descriptor, planId, ct);
                return TypedResults.Ok(new FitResponse(offeringId, fit?.Status, fit?.Areas ?? [], fit?.AdapterAddOns ?? []));
            })
            .RequireAuthorization(Policies.Authenticated)
            .WithSummary("How the offering delivers to the municipality's Fachverfahren: fits, adapter (with the add-on and its price to include in the order) or none");
    }
}

/// <summary>Development: the demo municipalities run Fachverfahren, so the catalogue shows the fit at once.</summary>
public sealed class FachverfahrenDemoSeeder(MunicipalityFachverfahren fachverfahren, MunicipalityDirectory municipalities) : Marketplace.Identity.IDemoDataSeeder
{
    /// <summary>München runs an OK.EWO without FIT-Connect (the Wohnsitz EfA service needs its adapter); Köln and two more run others.</summary>
    public static readonly (string Ags, RecordedProductRequest[] Products)[] Demo =
    [
        ("09162000", [new("meldewesen", "ok-ewo", "2023.2"), new("kfz-zulassung", "ok-vorfahrt", "2024.1"), new("personenstandswesen", "autista", "15.0"),
            new("gewerbe", "ok-gewerbe", "2024.2"), new("bauaufsicht", "probaug", "2025"), new("finanzwesen", "ok-fis", "2025.1"), new("wahlen", "ok-vote", "2025.1")]),
        ("05315000", [new("meldewesen", "vois-meso", "6.2"), new("kfz-zulassung", "kiss-kfz", "8.0"), new("personenstandswesen", "vois-sta", "4.1"),
            new("gewerbe", "migewa", "9.4"), new("bauaufsicht", "bauportal-nrw-backend", "6.1"), new("finanzwesen", "prodoppik", "9.3"),
            new("bibliothek", "koha", "24.05")]),
        ("11000000", [new("meldewesen", "vois-meso", "5.8"), new("kfz-zulassung", "zulassung-kommunal", "3.5"), new("kita", "kitaplus", "8.1")]),
        ("06412000", [new("meldewesen", "ewo-komm-one", "24.10"), new("kfz-zulassung", "zulassung-kommunal", "3.5"), new("finanzwesen", "newsystem", "2024")]),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        foreach (var (ags, products) in Demo)
            if ((await fachverfahren.RecordedAsync(ags, ct)).Count == 0 && await municipalities.GetAsync(ags, ct) is not null)
                await fachverfahren.SetAsync(ags, products, Actor.System.UserId, null, ct);
    }
}
