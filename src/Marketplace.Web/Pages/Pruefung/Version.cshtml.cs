using Marketplace.Conformance;
using Marketplace.Conformance.Api;
using Marketplace.Conformance.Review;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages.Pruefung;

/// <summary>
/// The review of one version: its changes against the last approved version side by side, the automated results with
/// the raw evidence, the attested evidence, and (auditors only) the decisions with reasons and re-running the checks.
/// </summary>
[Authorize(Policy = Policies.PlatformReader)]
public sealed class VersionModel(AuditorReview review, IStringLocalizer<SharedResource> texts) : PageModel
{
    public VersionReview Review { get; private set; } = null!;
    /// <summary>Platform admins read the review; only auditors decide.</summary>
    public bool CanDecide { get; private set; }
    [FromQuery] public string? Notice { get; set; }

    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, int? version)
    {
        if (version is null) return await NewestAsync(id);
        return await LoadAsync(id, version.Value) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostDecideAsync(string id, int version) => DecideAsync(id, version, "decided",
        actor => review.DecideVersionAsync(actor, id, version, CheckOutcomes.IsPass(Outcome), Reason ?? ""));

    public Task<IActionResult> OnPostEvidenceAsync(string id, int version, string evidenceId) => DecideAsync(id, version, "evidence",
        actor => review.DecideEvidenceAsync(actor, evidenceId, CheckOutcomes.IsPass(Request.Form["evidenceOutcome"]), Request.Form["evidenceReason"].ToString()),
        "evidence-" + evidenceId);

    public Task<IActionResult> OnPostRerunAsync(string id, int version) => DecideAsync(id, version, "rerun",
        actor => review.RerunChecksAsync(actor, id, version));

    private async Task<IActionResult> NewestAsync(string id)
    {
        try
        {
            return RedirectToPage(new { id, version = await review.NewestVersionAsync(id) });
        }
        catch (ConformanceException)
        {
            return NotFound();
        }
    }

    private async Task<IActionResult> DecideAsync(string id, int version, string notice, Func<Actor, Task> decide, string? errorField = null)
    {
        if (!await LoadAsync(id, version)) return NotFound();
        if (!CanDecide) return Forbid();
        try
        {
            await decide(Actor.Of(User));
            return RedirectToPage(new { id, version, notice });
        }
        catch (ConformanceException e) when (e.Kind != ConformanceErrorKind.NotFound)
        {
            ConformanceErrors.Add(ModelState, e, errorField ?? "decision", texts, field => errorField ?? (field == "reason" ? nameof(Reason) : field == "outcome" ? nameof(Outcome) : null));
        }
        await LoadAsync(id, version);
        return Page();
    }

    private async Task<bool> LoadAsync(string id, int version)
    {
        try
        {
            Review = await review.ReviewAsync(id, version);
        }
        catch (ConformanceException e) when (e.Kind == ConformanceErrorKind.NotFound)
        {
            return false;
        }
        CanDecide = User.HasRole(Roles.Auditor);
        return true;
    }
}
