using Marketplace.Identity.Access;
using Marketplace.Provisioning.Reconciliation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Betrieb;

/// <summary>Every vendor's reconciliation findings, for the platform's operators and auditors.</summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class AbgleichModel(ReconciliationFindings findings) : PageModel
{
    public IReadOnlyList<ReconciliationFinding> Findings { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Findings = await findings.ListAsync(null, openOnly: false, 500, 0, ct);
}
