using Marketplace.Identity.Access;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Provisioning.Subscriptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Marketplace.Provisioning;

namespace Marketplace.Web.Pages.Rollouts;

/// <summary>
/// A rollout's progress: counts per state, failures with reasons, ETA, retry of the failed ones. wwwroot/js/rollout.js
/// refreshes the figures from GET /api/v1/rollouts/{id} while the rollout runs; without script the page is current when loaded.
/// </summary>
[Authorize(Policy = Policies.BundlerAdmin)]
public sealed class FortschrittModel(RolloutService rollouts, ProvisioningAccess access, OfferingDirectory offerings, MunicipalityNames municipalityNames,
    Marketplace.Catalog.Search.CatalogSearchService search) : PageModel
{
    /// <summary>Names of the municipalities the rollout left out.</summary>
    public IReadOnlyDictionary<string, string> SkippedNames { get; private set; } = new Dictionary<string, string>();
    public Marketplace.Catalog.Queries.CatalogReadModel Catalog => search.Current.Catalog;

    public string OfferingName { get; private set; } = "";

    public RolloutProgressResponse Progress { get; private set; } = null!;
    public int? Retried { get; private set; }

    public static IReadOnlyList<string> States => SubscriptionStates.All;

    public async Task<IActionResult> OnGetAsync(string id, int? retried, CancellationToken ct)
    {
        if (!await access.OwnsRolloutAsync(User, id, ct)) return NotFound();
        Retried = retried;
        // Only municipalities whose delegation holds now: a revoked one is no longer the bundler's to see.
        Progress = RolloutProgressResponse.From(await rollouts.ProgressAsync(id,
            visibleAgs: await access.RolloutMunicipalitiesAsync(User, MunicipalityPermission.View, ct), ct: ct));
        var offering = (await offerings.GetAsync(Progress.OfferingId, ct))?.Descriptor;
        OfferingName = offering is null ? Progress.OfferingId : Format.Name(offering.Name, offering.NameEn);
        SkippedNames = await municipalityNames.NamesAsync(Progress.Skipped.Select(x => x.Ags).ToList(), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(string id, CancellationToken ct)
    {
        if (!await access.OwnsRolloutAsync(User, id, ct)) return NotFound();
        var retried = await rollouts.RetryFailedAsync(id, User.SubjectOf()!, User.OrganisationOf(),
            await access.RolloutMunicipalitiesAsync(User, MunicipalityPermission.Order, ct), ct);
        return RedirectToPage(new { id, retried });
    }

    /// <summary>The time still to go as people say it; nothing to go once every municipality has its result.</summary>
    public string Eta(IStringLocalizer texts)
    {
        if (Progress.Finished) return texts["Rollout.EtaDone"];
        if (Progress.EstimatedRemainingSeconds is not { } seconds) return texts["Rollout.EtaUnknown"];
        var s = (long)Math.Ceiling(seconds);
        return s < 120 ? texts.Count("Rollout.EtaSeconds", s) : texts.Count("Rollout.EtaMinutes", (long)Math.Ceiling(s / 60.0));
    }
}
