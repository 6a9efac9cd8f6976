using Marketplace.Identity.Access;
using Marketplace.Provisioning.Reconciliation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>The vendor's reconciliation findings: where its brokers hold something else than the marketplace, with the broker's answer.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class AbgleichModel(ReconciliationFindings findings) : PageModel
{
    public IReadOnlyList<ReconciliationFinding> Findings { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Findings = await findings.ListAsync(TenantAccess.VendorOf(User) ?? "", openOnly: false, 200, 0, ct);
}
