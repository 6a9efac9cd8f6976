using Marketplace.Identity.Access;
using Marketplace.Provisioning.Orders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>"Bestellungen": a municipality's orders, those waiting for approval first.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class BestellungenModel(TenantAccess access, OrderService orders, Catalog.Search.CatalogSearchService search) : MunicipalityPage(access)
{
    public IReadOnlyList<OrderView> Orders { get; private set; } = [];
    public IReadOnlyList<Catalog.Descriptors.BundleDescriptor> Bundles => search.Current.Catalog.Bundles;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.View, ct) is { } refused) return refused;
        Orders = (await orders.ListAsync(Ags, 200, 0, ct)).OrderBy(o => o.State == OrderStates.AwaitingApproval ? 0 : 1).ToList();
        return Page();
    }
}
