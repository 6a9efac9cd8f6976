using Marketplace.Identity.Access;
using Marketplace.Provisioning.Rollouts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Rollouts;

/// <summary>The rollouts the bundler's organisation started, newest first.</summary>
[Authorize(Policy = Policies.BundlerAdmin)]
public sealed class IndexModel(RolloutService rollouts) : PageModel
{
    public IReadOnlyList<RolloutSummary> Rollouts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rollouts = await rollouts.ListAsync(User.OrganisationOf() ?? "", 200, 0, ct);
}
