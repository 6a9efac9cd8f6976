using Marketplace.Catalog.Residency;
using Marketplace.Identity.Access;
using Marketplace.Provisioning.Residency;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Organisation;

/// <summary>
/// A municipality's data policy (its members read it, its buyer-admin sets it), or for a bundling organisation the policy
/// it recommends to its municipalities. Same service as the API, so it is audited alike.
/// </summary>
public sealed class DatenrichtlinieModel(DataPolicies policies, Marketplace.Catalog.Search.CatalogSearchService search) : PageModel
{
    public DataPolicyView? Policy { get; private set; }
    public PolicyRecommendation? Recommendation { get; private set; }
    public string? LandName { get; private set; }
    public bool CanEdit { get; private set; }
    public bool IsBundler => User.OrganisationKindOf() == OrganisationKinds.Bundler;
    public bool Saved { get; private set; }

    [BindProperty] public bool OnlyGermany { get; set; }
    [BindProperty] public bool OnlyOwnLand { get; set; }
    [BindProperty] public bool PublicOperatorsOnly { get; set; }
    [BindProperty] public bool NoThirdCountryAccess { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!CanEdit) return Forbid();
        var rules = new DataPolicy(OnlyGermany, OnlyOwnLand, PublicOperatorsOnly, NoThirdCountryAccess);
        if (IsBundler) Recommendation = await policies.RecommendAsync(User.OrganisationOf()!, rules, User.SubjectOf()!, ct);
        else Policy = await policies.SetAsync(User.AgsOf()!, rules, User.SubjectOf()!, User.OrganisationOf(), ct);
        Saved = true;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        DataPolicy rules;
        if (User.OrganisationKindOf() == OrganisationKinds.Municipality && User.AgsOf() is { } ags && await policies.MunicipalityAsync(ags, ct) is { } m)
        {
            Policy = await policies.GetAsync(ags, ct);
            LandName = Angebote.ResidencyText.Land(search.Current.Catalog, m.Land);
            CanEdit = User.HasRole(Roles.BuyerAdmin);
            rules = Policy.Rules;
        }
        else if (IsBundler && User.OrganisationOf() is { } org)
        {
            Recommendation = await policies.RecommendationAsync(org, ct);
            CanEdit = User.HasRole(Roles.BundlerAdmin);
            rules = Recommendation?.Rules ?? DataPolicy.None;
        }
        else return false;
        if (Request.Method == "GET")
            (OnlyGermany, OnlyOwnLand, PublicOperatorsOnly, NoThirdCountryAccess) = (rules.OnlyGermany, rules.OnlyOwnLand, rules.PublicOperatorsOnly, rules.NoThirdCountryAccess);
        return true;
    }
}
