using Marketplace.Identity.Access;
using Marketplace.Provisioning;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Pages.Gemeinden;

/// <summary>"Abonnements": a municipality's subscriptions with their state.</summary>
[Authorize(Policy = Policies.Authenticated)]
public sealed class AbonnementsModel(TenantAccess access, SubscriptionService subscriptions, OfferingDirectory offerings) : MunicipalityPage(access)
{
    public IReadOnlyList<(SubscriptionView Subscription, string OfferingName)> Subscriptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await RefusedAsync(MunicipalityPermission.View, ct) is { } refused) return refused;
        var list = new List<(SubscriptionView, string)>();
        foreach (var s in await subscriptions.ListAsync(Ags, ct))
            list.Add((s, (await offerings.GetAsync(s.OfferingId, ct)) is { } o ? Format.Name(o.Descriptor.Name, o.Descriptor.NameEn) : s.OfferingId));
        Subscriptions = list;
        return Page();
    }
}
