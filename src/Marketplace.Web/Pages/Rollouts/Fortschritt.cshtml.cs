using Marketplace.Identity.Access;
using Marketplace.Provisioning.Api;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Rollouts;

/// <summary>
/// A rollout's progress: counts per state, failures with reasons, ETA, retry of the failed ones. wwwroot/js/rollout.js
/// refreshes the figures from GET /api/v1/rollouts/{id} while the rollout runs; without script the page is current when loaded.
/// </summary>
[Authorize(Policy = Policies.BundlerAdmin)]
public sealed class FortschrittModel(RolloutService rollouts, TenantAccess access) : PageModel
{
    public ProvisioningApi.RolloutProgressResponse Progress { get; private set; } = null!;
    public int? Retried { get; private set; }

    public static IReadOnlyList<string> States => SubscriptionStates.All;

    public async Task<IActionResult> OnGetAsync(string id, int? retried, CancellationToken ct)
    {
        if (!await ProvisioningApi.OwnsRolloutAsync(User, id, rollouts, ct)) return NotFound();
        Retried = retried;
        // Only municipalities whose delegation holds now: a revoked one is no longer the bundler's to see.
        Progress = ProvisioningApi.ToResponse(await rollouts.ProgressAsync(id,
            visibleAgs: await ProvisioningApi.RolloutMunicipalitiesAsync(User, MunicipalityPermission.View, access, ct), ct: ct));
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(string id, CancellationToken ct)
    {
        if (!await ProvisioningApi.OwnsRolloutAsync(User, id, rollouts, ct)) return NotFound();
        var retried = await rollouts.RetryFailedAsync(id, User.SubjectOf()!, User.OrganisationOf(),
            await ProvisioningApi.RolloutMunicipalitiesAsync(User, MunicipalityPermission.Order, access, ct), ct);
        return RedirectToPage(new { id, retried });
    }
}
